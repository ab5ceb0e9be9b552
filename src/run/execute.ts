// Stage 3: send the jobs. The HTTP client, the journal and the progress line live exactly as
// long as this stage; every finished job is on disk the moment it ends, and the jobs a cost cap
// kept back are rows too (skipped, not failed).
import { setMaxListeners } from 'node:events';
import { relative } from 'node:path';
import { budgetSkippedRow, chargeEarlierRow } from '../money/budget.js';
import { createCacheHooks } from '../cache/hooks.js';
import { withChecks } from '../checks/apply.js';
import type { Env } from '../env.js';
import { AgentLabError, EXIT } from '../errors.js';
import { nativeCostEstimate } from '../money/estimate.js';
import { createProgress } from '../exec/progress.js';
import type { SocketStock } from '../provider/preconnect.js';
import { costKey, openJournal, RunFolderGone } from '../store/journal.js';
import { renderResponse } from '../render/response-md.js';
import { responseSaver } from '../store/responses.js';
import { runJobs, type RunnerOutcome } from '../exec/runner.js';
import { createPacer } from '../exec/arrival.js';
import { openWarmupLog } from '../store/warmup.js';
import { withWarmup } from './warmup.js';
import { WARN } from '../warnings.js';
import type { OpenedRun } from './open.js';
import type { RunPlan } from './prepare.js';
import { chatClient } from './client.js';

export interface Executed {
  outcome: RunnerOutcome;
  /** Ids of the jobs the cost cap kept back (recorded as skipped rows). */
  skipped: Set<string>;
  /** Jobs the response cache answered (nothing sent). */
  cached: ReadonlySet<string>;
  /** The journal started empty: finalize can read it in one pass (finalRows' `fresh`). */
  fresh: boolean;
}

/** `sockets`: chat connections opened ahead (connections.ts); the client takes them first and closes the rest. */
export async function executeRun(plan: RunPlan, opened: OpenedRun, env: Env, sockets: SocketStock | null = null): Promise<Executed> {
  const { settings, logger, budget, catalog } = plan;
  const { outDir } = plan.paths;
  const { todo, runId } = opened;
  const client = chatClient(plan, env, sockets);
  // A journal that cannot be written (a full disk) stops the run: results that cannot be kept
  // are not worth paying for.
  const halt = new AbortController();
  // A deleted run folder also aborts the jobs in flight: their answers would have nowhere to go.
  const gone = new AbortController();
  const journal = openJournal(outDir, (error) => {
    if (error instanceof RunFolderGone) {
      logger.error(`${error.message}: no new jobs will be sent, and the ones in flight are stopped`);
      gone.abort();
    } else logger.error(`cannot write results.jsonl (${error.message}): no new jobs will be sent`);
    halt.abort();
  });
  // Checked every second too: with long jobs, the next row could be minutes away.
  const watch = setInterval(() => journal.check(), 1000).unref();
  const progress = createProgress(env.stderr, todo.size, env.now);
  const saveResponse = plan.paths.responses ? await responseSaver(plan.paths.responses, (message) => logger.warn(message)) : null;
  const stopSignal = env.stopSignal ? AbortSignal.any([env.stopSignal, halt.signal]) : halt.signal;
  const abortSignal = env.signal ? AbortSignal.any([env.signal, gone.signal]) : gone.signal;
  const cache = plan.cache ? createCacheHooks(plan.cache, { runId, logger, date: env.date, secrets: [plan.endpoint.apiKey] }) : null;
  // Each request in flight and each /generation lookup listens on these until it ends: above
  // Node's default of 10 listeners that is concurrency, not a leak, so no warning for it.
  for (const signal of [env.signal, env.stopSignal, stopSignal, abortSignal]) if (signal) setMaxListeners(0, signal);
  // Earlier rows whose cost is being looked up: each is held at its worst case until its lookup ends.
  const recovering = new Set(opened.recoverCosts.map(costKey));
  if (opened.lostCosts.length) {
    logger.warn(WARN.simulatorCostsGone(opened.lostCosts.length, budget !== null));
    // Marked, not left pending: no later resume waits for them either (open.ts charged their worst case).
    for (const row of opened.lostCosts) if (row.cost_source === 'pending') journal.cost({ ...row, cost_source: 'none' });
  }
  let outcome: RunnerOutcome;
  const skipped = new Set<string>();
  // Warmup requests (their rows go to warmup.jsonl) are sent first, when there is anything to measure.
  const warmups = settings.warmup > 0 && todo.size > 0 ? { log: openWarmupLog(outDir, (m) => logger.warn(m)), ids: new Set<string>() } : null;
  try {
    outcome = await runJobs(warmups ? withWarmup(todo.jobs(), settings.warmup) : todo.jobs(), {
      client,
      concurrency: settings.concurrency,
      retry: settings.retry,
      generation: settings.generation,
      run_id: runId,
      now: env.now,
      date: env.date,
      random: Math.random,
      logger,
      signal: abortSignal,
      stopSignal,
      recoverCosts: opened.recoverCosts,
      pacer: settings.request_rate === null ? undefined : createPacer(settings.request_rate, settings.arrival, env.now, Math.random),
      onRow: (row, job) => {
        budget?.observe(job, row);
        if (job.warmup && warmups) {
          warmups.ids.add(row.job_id);
          return warmups.log.row(row);
        }
        // Provisional verdicts for the journal; finalize judges again once costs are in.
        journal.row(withChecks(row, job.checks, { final: false }));
        progress.tick(row);
        saveResponse?.(job, renderResponse(job, row));
        cache?.sawRow(row, job);
      },
      onCost: (row) => {
        if (warmups?.ids.has(row.job_id)) return warmups.log.row(row);
        if (budget && recovering.has(costKey(row))) chargeEarlierRow(budget, costKey(row), row, true);
        journal.cost({ ...row, cost_estimate_usd: nativeCostEstimate(row, catalog?.pricingOf(row.model) ?? null, new Date(row.started_at)) });
        cache?.sawCost(row);
      },
      fromCache: cache ? (job) => cache.lookup(job) : undefined,
      admit: budget ? (job) => budget.admit(job) : undefined,
      mayRetry: budget ? (job, billed) => budget.retry(job, billed) : undefined,
      settle: budget ? (job, row) => budget.settle(job, row) : undefined,
    });
    if (outcome.status === 'budget') {
      const at = env.date().toISOString();
      // The jobs after the last one dispatched, in the same order: a second pass over what was to do.
      let position = 0;
      for await (const job of todo.jobs()) {
        if (position++ < outcome.dispatched) continue;
        skipped.add(job.job_id);
        journal.row(budgetSkippedRow(job, runId, at, settings.max_cost!));
      }
    }
  } finally {
    clearInterval(watch);
    progress.stop();
    await journal.close();
    await client.close();
    await cache?.close();
  }
  const lost = journal.failure();
  if (lost) {
    const dir = relative(env.cwd, outDir) || '.';
    if (lost instanceof RunFolderGone) {
      throw new AgentLabError(`The run folder ${dir} was deleted while the run was going: no new jobs were sent after that, and the ones in flight were stopped. Start a new run.`, EXIT.jobs_failed);
    }
    throw new AgentLabError(`Could not write the results to ${dir} (${lost.message}); no new jobs were sent after that. Free some space, then resume with: agent-lab resume ${dir}`, EXIT.jobs_failed);
  }
  return { outcome, skipped, cached: cache?.hits ?? new Set(), fresh: journal.fresh };
}
