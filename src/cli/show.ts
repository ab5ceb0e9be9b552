// `agent-lab show DIR`: read a run's answers side by side in the terminal.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';

export function register(program: Command, exit: (code: number) => void): void {
  program
    .command('show')
    .description("Read a run's answers: the matrix at a glance, one task's answers from every column, the failing cells, or word diffs between two columns.")
    .argument('<dir>', 'the run folder')
    .option('--task <id>', "print this task's answers from every column, one under the other, with verdicts and figures")
    .option('--failed', 'list the cells whose checks failed or whose job failed')
    .option('--diff <columns...>', 'word diff between two columns, e.g. --diff 1 3 (numbers as `show DIR` lists them, or names)')
    .option('--json', 'print the same as JSON, for scripts')
    .action(async (dir, opts) => {
      const { runShowCommand } = await import('../responses/command.js');
      exit(await runShowCommand({ dir, task: opts.task, failed: Boolean(opts.failed), diff: opts.diff, json: Boolean(opts.json) }, processEnv()));
    });
}
