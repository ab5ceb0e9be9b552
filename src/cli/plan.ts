// `agent-lab plan SUITE`: what a run with the same flags would send and cost.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { costOf, endpointOf, filesOf, filterOf, paramsOf, withCost, withEndpoint, withFiles, withFilter, withParams } from './options.js';

export function register(program: Command, exit: (code: number) => void): void {
  const plan = program
    .command('plan')
    .description('What a run would send and cost: matrix size, estimated prompt tokens, cost range. Sends no chat request.')
    .argument('<suite>', 'suite YAML file');
  withFiles(withCost(withParams(withFilter(withEndpoint(plan, "price against the built-in simulator's model list"))), 'show how the worst case compares with this cap (USD)'))
    .option('--json', 'the plan as JSON')
    .action(async (suitePath, opts) => {
      const { planSuite } = await import('../run/plan.js');
      const options = { suitePath, ...endpointOf(opts), ...filterOf(opts), ...filesOf(opts), ...paramsOf(opts), ...costOf(opts), json: Boolean(opts.json) };
      exit((await planSuite(options, processEnv())).exitCode);
    });
}
