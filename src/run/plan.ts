// `plan` and `run --dry-run`: the matrix, estimated tokens and cost range, checked as a run
// would check them. Nothing is sent (but /models) and nothing is written.
import type { Env } from '../env.js';
import { ConfigError, EXIT } from '../errors.js';
import { renderPlanJson, renderPlanTable } from '../money/plan-table.js';
import type { PlanOptions, PlanReport } from './options.js';
import { prepareRun } from './prepare.js';
import { withSimulator } from './simulator.js';

export async function planSuite(options: PlanOptions, env: Env): Promise<PlanReport> {
  return withSimulator(options, async (simulatorUrl) => {
    const { estimate, settings } = await prepareRun(options, env, { simulatorUrl, dryRun: true });
    if (!estimate) throw new ConfigError('A plan needs the prices from /models: drop --no-preflight.');
    env.stdout.write(options.json ? renderPlanJson(estimate, settings.max_cost) : renderPlanTable(estimate, settings.max_cost));
    return { exitCode: EXIT.ok, plan: estimate };
  });
}
