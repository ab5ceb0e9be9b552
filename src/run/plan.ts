// `plan` and `run --dry-run`: the matrix, estimated tokens and cost range, checked as a run
// would check them. Nothing is sent (but /models) and nothing is written.
import type { Env } from '../env.js';
import { ConfigError, EXIT } from '../errors.js';
import { renderPlanJson, renderPlanTable } from '../money/plan-table.js';
import { buildPlan } from '../money/estimate.js';
import { renderShardPlan, shardPlan } from '../ci/shard-plan.js';
import type { PlanOptions, PlanReport } from './options.js';
import { prepareRun } from './prepare.js';
import { withSimulator } from './simulator.js';
import type { Job } from '../types/job.js';

export async function planSuite(options: PlanOptions, env: Env): Promise<PlanReport> {
  return withSimulator(options, async (simulatorUrl) => {
    const { estimate, settings, sharding, matrix, catalog, expectTokens } = await prepareRun(options, env, { simulatorUrl, dryRun: true });
    if (!estimate) throw new ConfigError('A plan needs the prices from /models: drop --no-preflight.');
    // --shard: every shard's share, and what concurrency and the cap add up to across them.
    const shares = (jobs: Job[]) => {
      const { total } = buildPlan(jobs, catalog!.pricingOf, expectTokens, env.date());
      // A total that misses unknown prices is no estimate of the shard: unknown.
      return total.incomplete ? { low_usd: null, high_usd: null } : { low_usd: total.low_usd, high_usd: total.high_usd };
    };
    const shards = sharding && shardPlan(sharding, matrix, settings, shares);
    if (options.json) env.stdout.write(renderPlanJson(estimate, settings.max_cost, shards ? { shard: shards } : {}));
    else env.stdout.write(renderPlanTable(estimate, settings.max_cost) + (shards ? renderShardPlan(shards) : ''));
    return { exitCode: EXIT.ok, plan: estimate };
  });
}
