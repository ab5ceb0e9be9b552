// `agent-lab compare BASELINE CURRENT`: two runs side by side, with significance.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';

export function register(program: Command, exit: (code: number) => void): void {
  program
    .command('compare')
    .description('Compare two runs per model × system prompt: pass rate, latency, TTFT, tokens, cost, error rate, with significance.')
    .argument('<baseline>', 'baseline run folder (or its summary.json)')
    .argument('<current>', 'current run folder (or its summary.json)')
    .option('--fail-on <rules>', 'exit 3 on a significant change past these, e.g. "pass_rate<-5pp,cost>+10%,p95_latency>+20%"')
    .option('--out <file>', 'write compare.md here (default: inside <current>)')
    .option('--json', 'print the comparison as JSON')
    .action(async (baseline, current, opts) => {
      const { runCompareCommand } = await import('../compare/command.js');
      exit(await runCompareCommand({ baseline, current, failOn: opts.failOn, out: opts.out, json: Boolean(opts.json) }, processEnv()));
    });
}
