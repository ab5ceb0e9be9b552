// `agent-lab report DIR`: rebuild DIR/report.html.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';

export function register(program: Command, exit: (code: number) => void): void {
  program
    .command('report')
    .description('Rebuild report.html in a run folder from its summary.json and results.jsonl.')
    .argument('<dir>', 'the run folder')
    .action(async (dir) => {
      const { runReportCommand } = await import('../store/report-command.js');
      exit(await runReportCommand({ dir }, processEnv()));
    });
}
