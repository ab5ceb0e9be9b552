// Stage 3: send the jobs. The HTTP client, the journal and the progress line live exactly as
// long as this stage; every finished job is on disk the moment it ends, and the jobs a cost cap
// kept back are rows too (skipped, not failed).
import { setMaxListeners } from 'node:events';
import { join, relative } from 'node:path';
import { budgetSkippedRow } from '../money/budget.js';
import { withChecks } from '../checks/apply.js';
import type { Settings } from '../config/resolve.js';
import type { Env } from '../env.js';
import { AgentLabError, EXIT } from '../errors.js';
import { nativeCostEstimate } from '../money/estimate.js';
import { createProgress } from '../exec/progress.js';
import { createClient } from '../provider/client.js';
import type { SocketStock } from '../provider/preconnect.js';
import { proxyFromEnv } from '../provider/proxy.js';
import { openJournal } from '../store/journal.js';
import { renderResponse } from '../render/response-md.js';
import { runJobs, type RunnerOutcome } from '../exec/runner.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { VERSION } from '../version.js';
import type { OpenedRun } from './open.js';
import type { RunPlan } from './prepare.js';

export interface Executed {
  outcome: RunnerOutcome;
  /** Jobs the cost cap kept back (recorded as skipped rows). */
  skipped: Job[];
  /** The journal started empty: finalize can read it in one pass (finalRows' `fresh`). */
  fresh: boolean;
}

/** `sockets`: chat connections opened ahead (connections.ts); the client takes them first and closes the rest. */
export async function executeRun(plan: RunPlan, opened: OpenedRun, env: Env, sockets: SocketStock | null = null): Promise<Executed> {
  const { settings, logger, budget, catalog } = plan;
  const { outDir } = plan.paths;
  const { todo, runId } = opened;
  const client = createClient({
    baseUrl: plan.endpoint.baseUrl,
    apiKey: plan.endpoint.apiKey,
    headers: attribution(settings),
    connections: settings.concurrency,
    timeouts: settings.timeouts,
    maxResponseBytes: settings.max_response_bytes,
    proxy: plan.endpoint.simulated ? null : proxyFromEnv(env.env),
    sockets,
    now: env.now,
    logger,
  });
  // A journal that cannot be written (a full disk) stops the run: results that cannot be kept
  // are not worth paying for.
  const halt = new AbortController();
  const journal = openJournal(outDir, (error) => {
    logger.error(`cannot write results.jsonl (${error.message}): no new jobs will be sent`);
    halt.abort();
  });
  const progress = createProgress(env.stderr, todo.length, env.now);
  const saveResponse = plan.paths.responses ? await responseSaver(plan.paths.responses) : null;
  const stopSignal = env.stopSignal ? AbortSignal.any([env.stopSignal, halt.signal]) : halt.signal;
  // Each request in flight and each /generation lookup listens on these until it ends: above
  // Node's default of 10 listeners that is concurrency, not a leak, so no warning for it.
  for (const signal of [env.signal, env.stopSignal, stopSignal]) if (signal) setMaxListeners(0, signal);
  let outcome: RunnerOutcome;
  let skipped: Job[] = [];
  try {
    outcome = await runJobs(todo, {
      client,
      concurrency: settings.concurrency,
      retry: settings.retry,
      generation: settings.generation,
      run_id: runId,
      now: env.now,
      date: env.date,
      random: Math.random,
      logger,
      signal: env.signal,
      stopSignal,
      recoverCosts: opened.recoverCosts,
      onRow: (row, job) => {
        // Provisional verdicts for the journal; finalize judges again once costs are in.
        journal.row(withChecks(row, job.checks, { final: false }));
        progress.tick(row);
        saveResponse?.(job, row);
      },
      onCost: (row) => journal.cost({ ...row, cost_estimate_usd: nativeCostEstimate(row, catalog?.pricingOf(row.model) ?? null, new Date(row.started_at)) }),
      admit: budget ? (job) => budget.admit(job) : undefined,
      settle: budget ? (job, row) => budget.settle(job, row) : undefined,
    });
    if (outcome.status === 'budget') {
      const at = env.date().toISOString();
      skipped = todo.slice(outcome.dispatched);
      for (const job of skipped) journal.row(budgetSkippedRow(job, runId, at, settings.max_cost!));
    }
  } finally {
    progress.stop();
    await journal.close();
    await client.close();
  }
  const lost = journal.failure();
  if (lost) {
    const dir = relative(env.cwd, outDir) || '.';
    throw new AgentLabError(`Could not write the results to ${dir} (${lost.message}); no new jobs were sent after that. Free some space, then resume with: agent-lab resume ${dir}`, EXIT.jobs_failed);
  }
  return { outcome, skipped, fresh: journal.fresh };
}

function attribution(settings: Settings): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': `agent-lab/${VERSION}` };
  if (settings.app_url) headers['http-referer'] = settings.app_url;
  if (settings.app_title) headers['x-title'] = settings.app_title;
  return headers;
}

async function responseSaver(dir: string) {
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return (job: Job, row: JobResult) =>
    void writeFile(join(dir, `${job.task_id}__${safe(job.model)}__${job.system_prompt_id}__r${job.repeat}.md`), renderResponse(job, row));
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_');
