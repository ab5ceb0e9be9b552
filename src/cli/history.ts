// `agent-lab history`: the trend of past runs from the history file.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { withMetrics } from './options.js';

export function register(program: Command, exit: (code: number) => void): void {
  const history = program
    .command('history')
    .description('The trend of past runs from the history file: cost, latency, pass rate per model × system prompt.')
    .option('--history <file>', 'the history file (default: <output_dir>/history.jsonl)')
    .option('-c, --config <file>', 'config file (for output_dir)')
    .option('--suite <name>', 'only this suite')
    .option('--model <id>', 'only this model (slug or label)')
    .option('--since <date>', 'only runs finished at or after this date/time (e.g. 2026-11-01)')
    .option('--json', 'the entries as JSON')
    .option('--html <file>', 'write a self-contained trend page (charts) to <file>')
    .option('--export', "the metrics of each suite's newest run: to --metrics-file/--pushgateway/--otlp, or as Prometheus text on stdout");
  withMetrics(history).action(async (opts) => {
    const { runHistoryCommand } = await import('../history/command.js');
    const { config: configPath, json, ...rest } = opts;
    exit(await runHistoryCommand({ ...rest, configPath, json: Boolean(json) }, processEnv()));
  });
}
