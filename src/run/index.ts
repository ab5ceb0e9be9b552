// The main job, readable in one function: prepare (load → resolve → expand → preflight) →
// open the run folder → execute → finish (aggregate → report → gates). Each stage is a file in
// src/run/; this one only puts them in order and owns what spans them: the simulator and the lock.
import type { Env } from '../env.js';
import { lockRunDir } from '../store/lock.js';
import { WARN } from '../warnings.js';
import type { SocketStock } from '../provider/preconnect.js';
import { openConnections } from './connections.js';
import { claimRunDir, openRun } from './open.js';
import type { RunOptions, RunReport } from './options.js';
import { prepareRun } from './prepare.js';
import { withSimulator } from './simulator.js';
import { recheckExecuted } from './recheck.js';

export type { PlanOptions, PlanReport, ReplayOptions, RunOptions, RunReport } from './options.js';
export type { RunPlan } from './prepare.js';
export { planSuite } from './plan.js';

export async function runSuite(options: RunOptions, env: Env): Promise<RunReport> {
  // Loaded while prepare waits on files and /models; the final stage (reports, HTML, CSV) only
  // once the last stream has ended, so its loading never runs beside a timed request.
  const executing = import('./execute.js');
  return withSimulator(options, async (simulatorUrl) => {
    let connections: SocketStock | null = null;
    try {
      const plan = await prepareRun(options, env, { simulatorUrl, onEndpoint: (endpoint, settings, jobs) => void (connections = openConnections(endpoint, settings, jobs, env)) });
      if (plan.estimate) plan.logger.info(WARN.estimateLine(plan.estimate, plan.settings.max_cost));
      const previous = await claimRunDir(plan, env);
      // One process per run folder, from before its journal is read until the run is written.
      const unlock = await lockRunDir(plan.paths.outDir);
      try {
        const opened = await openRun(plan, previous, env);
        const executed = plan.resume?.recheck ? recheckExecuted(previous) : await (await executing).executeRun(plan, opened, env, connections);
        const { finishRun } = await import('./finish.js');
        return await finishRun(plan, opened, executed, env);
      } finally {
        await unlock();
      }
    } finally {
      (connections as SocketStock | null)?.close();
    }
  });
}

export { exitCodeFor } from '../ci/gates.js';
