// The main job, readable in one function: prepare (load → resolve → expand → preflight) →
// open the run folder → execute → finish (aggregate → report → gates). Each stage is a file in
// src/run/; this one only puts them in order and owns what spans them: the simulator and the lock.
import type { Env } from '../env.js';
import { lockRunDir } from '../store/lock.js';
import { WARN } from '../warnings.js';
import { executeRun } from './execute.js';
import { finishRun } from './finish.js';
import { claimRunDir, openRun } from './open.js';
import type { RunOptions, RunReport } from './options.js';
import { prepareRun } from './prepare.js';
import { withSimulator } from './simulator.js';

export type { PlanOptions, PlanReport, ReplayOptions, RunOptions, RunReport } from './options.js';
export type { RunPlan } from './prepare.js';
export { planSuite } from './plan.js';

export async function runSuite(options: RunOptions, env: Env): Promise<RunReport> {
  return withSimulator(options, async (simulatorUrl) => {
    const plan = await prepareRun(options, env, { simulatorUrl });
    if (plan.estimate) plan.logger.info(WARN.estimateLine(plan.estimate, plan.settings.max_cost));
    const previous = await claimRunDir(plan, env);
    // One process per run folder, from before its journal is read until the run is written.
    const unlock = await lockRunDir(plan.paths.outDir);
    try {
      const opened = await openRun(plan, previous, env);
      const executed = await executeRun(plan, opened, env);
      return await finishRun(plan, opened, executed, env);
    } finally {
      await unlock();
    }
  });
}

export { exitCodeFor } from '../ci/gates.js';
