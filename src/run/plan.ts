// `plan` and `run --dry-run`: the matrix, estimated tokens and cost range, checked as a run
// would check them. Nothing is sent (but /models) and nothing is written.
import type { Env } from '../env.js';
import { ConfigError, EXIT } from '../errors.js';
import { renderPlanJson, renderPlanTable } from '../money/plan-table.js';
import { createPlanner, type CostPlan } from '../money/plan.js';
import { renderShardPlan, shardPlan } from '../ci/shard-plan.js';
import type { PlanOptions, PlanReport } from './options.js';
import { prepareRun } from './prepare.js';
import { withSimulator } from './simulator.js';
import { shardIds } from '../ci/shard.js';
import type { Matrix } from '../config/matrix.js';
import type { Job } from '../types/job.js';

export async function planSuite(options: PlanOptions, env: Env): Promise<PlanReport> {
  return withSimulator(options, async (simulatorUrl) => {
    const { estimate, settings, sharding, matrix, catalog, expectTokens } = await prepareRun(options, env, { simulatorUrl, dryRun: true });
    if (!estimate) throw new ConfigError('A plan needs the prices from /models: drop --no-preflight.');
    // --shard: every shard's share, and what concurrency and the cap add up to across them.
    const shards = sharding && shardPlan(sharding, await shardShares(matrix, sharding.shard.count, () => createPlanner(catalog!.pricingOf, expectTokens, env.date())), settings);
    if (options.json) env.stdout.write(renderPlanJson(estimate, settings.max_cost, shards ? { shard: shards } : {}));
    else env.stdout.write(renderPlanTable(estimate, settings.max_cost) + (shards ? renderShardPlan(shards) : ''));
    return { exitCode: EXIT.ok, plan: estimate };
  });
}

/** Every shard's jobs and estimate: the ids are dealt as a run deals them, then one pass prices each job in its shard. */
async function shardShares(matrix: Matrix, count: number, planner: () => { add(job: Job): void; finish(): CostPlan }) {
  const ids: string[] = [];
  for await (const job of matrix.jobs()) ids.push(job.job_id);
  const shards = Array.from({ length: count }, (_, i) => ({ ids: shardIds(ids, { index: i + 1, count }), plan: planner() }));
  for await (const job of matrix.jobs()) shards.find((s) => s.ids.has(job.job_id))?.plan.add(job);
  return shards.map(({ ids, plan }) => {
    const { total } = plan.finish();
    // A total that misses unknown prices is no estimate of the shard: unknown.
    return { jobs: ids.size, ...(total.incomplete ? { low_usd: null, high_usd: null } : { low_usd: total.low_usd, high_usd: total.high_usd }) };
  });
}
