// `agent-lab report DIR`: rebuild DIR/report.html and responses.md.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';

export function register(program: Command, exit: (code: number) => void): void {
  program
    .command('report')
    .description('Rebuild report.html and responses.md in a run folder from its summary.json and results.jsonl.')
    .argument('<dir>', 'the run folder')
    .option('--baseline <dir>', 'a baseline run folder: each answer in report.html can be diffed against the same job there')
    .action(async (dir, opts) => {
      const { runReportCommand } = await import('../store/report-command.js');
      exit(await runReportCommand({ dir, baseline: opts.baseline }, processEnv()));
    });
}
