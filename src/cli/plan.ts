// `agent-lab plan SUITE`: what a run with the same flags would send and cost.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { concurrencyOption, costOf, endpointOf, filesOf, filterOf, paramsOf, selectionOf, shardOf, streamOf, withCost, withEndpoint, withFiles, withFilter, withParams, withSelection, withShard, withStream } from './options.js';

export function register(program: Command, exit: (code: number) => void): void {
  const plan = program
    .command('plan')
    .description('What a run would send and cost: matrix size, estimated prompt tokens, cost range. Sends no chat request.')
    .argument('<suite>', 'suite YAML file');
  withFiles(withStream(withShard(withCost(withParams(withSelection(withFilter(withEndpoint(plan, "price against the built-in simulator's model list")))), 'show how the worst case compares with this cap (USD)'))))
    .addOption(concurrencyOption('requests in flight at once on each shard (shown with --shard)'))
    .option('--json', 'the plan as JSON')
    .action(async (suitePath, opts) => {
      const { planSuite } = await import('../run/plan.js');
      const options = { suitePath, ...endpointOf(opts), ...filterOf(opts), ...selectionOf(opts), ...filesOf(opts), ...paramsOf(opts), ...streamOf(opts), ...costOf(opts), ...shardOf(opts), concurrency: opts.concurrency, json: Boolean(opts.json) };
      exit((await planSuite(options, processEnv())).exitCode);
    });
}
