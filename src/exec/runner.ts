// Runs jobs under a concurrency limit. Never rejects because a job failed: every job ends as a
// row handed to onRow the moment it ends. /generation lookups run after the job's slot is
// released, so waiting for a cost never slows the run.
import pLimit from 'p-limit';
import { runJob, type JobDeps } from './job.js';
import { applyGeneration } from './costs.js';
import { recordSend, type Pacer, type SendRecord } from './arrival.js';
import { sleep } from '../provider/sleep.js';
import { fetchGeneration, type GenerationPolicy } from '../provider/generation.js';
import type { Client } from '../provider/client.js';
import type { Logger } from '../log.js';
import type { GenerationStats } from '../provider/wire.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import type { RunStatus } from '../types/summary.js';

export interface RunnerDeps extends Omit<JobDeps, 'onAttempt'> {
  client: Pick<Client, 'chat' | 'generation'>;
  concurrency: number;
  generation: GenerationPolicy;
  logger: Logger;
  /** Stops dispatching new jobs; in-flight ones finish (first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** A job's row, the moment the job ends (before its cost is known). */
  onRow: (row: JobResult, job: Job) => void;
  /** The row again once /generation has answered (or given up) for it; output and reasoning text are '' here. */
  onCost: (row: JobResult) => void;
  /**
   * Reserve a job's worst-case cost before dispatch (budget.ts): `go`; `wait` until an in-flight
   * reservation settles and ask again; `stop` (or false): the cap is reached, skip the rest.
   */
  admit?: (job: Job) => boolean | 'go' | 'wait' | 'stop';
  /** Return a job's reservation once its real cost is known. */
  settle?: (job: Job, row: JobResult) => void;
  /** A job's row from the response cache, or null to send it. A hit takes no slot and no reservation. */
  fromCache?: (job: Job) => Promise<JobResult | null>;
  /**
   * Rows of an earlier run (being resumed) whose cost never arrived, because that run was killed
   * while it waited for /generation: looked up again and handed to onCost. Nothing is re-sent.
   */
  recoverCosts?: JobResult[];
  /** `--request-rate`: each measured job is sent when it is due (arrival.ts), still under the concurrency cap. */
  pacer?: Pacer;
}

export interface RunnerOutcome {
  status: RunStatus;
  /** Why the run stopped early, when it did. */
  stopReason: string | null;
  /** Jobs taken from the list (cache hits included): the ones after it were never reached. */
  dispatched: number;
  /** Times the effective concurrency was lowered after 429s. */
  throttles: number;
  minConcurrency: number;
  /** Measured jobs sent, first and last send (the clock's ms): kept only when paced. */
  sends: SendRecord | null;
}

/** `jobs` may stream (the matrix is expanded as it is sent); it is read one job ahead of a free slot. */
export async function runJobs(jobs: Iterable<Job> | AsyncIterable<Job>, deps: RunnerDeps): Promise<RunnerOutcome> {
  const limit = pLimit(deps.concurrency);
  const lookups = pLimit(Math.max(4, deps.concurrency));
  const inFlight = new Set<Promise<void>>();
  const pendingCosts = new Set<Promise<void>>();
  let wake: (() => void) | null = null;
  const slotFreed = () => new Promise<void>((resolve) => (wake = resolve));
  const state = { status: 'ok' as RunStatus, stopReason: null as string | null, dispatched: 0, throttles: 0, minConcurrency: deps.concurrency, sends: null as SendRecord | null };
  const unreachable = unreachableBreaker(deps.concurrency, (row) => {
    if (state.status !== 'ok') return;
    state.status = 'stopped';
    state.stopReason = `the API could not be reached by the last ${unreachableLimit(deps.concurrency)} jobs in a row (${row.error_message}). Check the network and base_url; no more jobs were sent.`;
  });
  const aimd = adaptiveConcurrency(limit, deps.concurrency, deps.now, (c) => {
    state.throttles++;
    state.minConcurrency = Math.min(state.minConcurrency, c);
    deps.logger.warn(`rate limited: concurrency lowered to ${c}`);
  });

  const jobDeps: JobDeps = {
    ...deps,
    onAttempt: (job, outcome) => {
      if (outcome.error_kind === 'rate_limit') aimd.decrease();
      else if (outcome.ok) aimd.increase();
      if ((outcome.error_kind === 'auth' || outcome.error_kind === 'credits') && state.status === 'ok') {
        state.status = 'stopped';
        state.stopReason =
          outcome.error_kind === 'auth'
            ? `the API refused the key (HTTP ${outcome.http_status}): ${outcome.error_message}. Check the key in the environment; no more jobs were sent.`
            : `out of credits (HTTP 402): ${outcome.error_message}. Add credits or lower max_tokens; no more jobs were sent.`;
      }
      deps.logger.debug(`job ${job.job_id} attempt: ${outcome.ok ? 'ok' : outcome.error_kind}`);
    },
  };

  // Only the HTTP request takes a lookup slot; the waits between tries do not, or a few dozen
  // sleeping lookups would hold every slot and the costs would trail the run by seconds.
  const gated: Pick<Client, 'generation'> = { generation: (id, signal) => lookups(() => deps.client.generation(id, signal)) };
  // `job` is null for a recovered row: it was never admitted in this run, so nothing to settle.
  const lookupCost = (job: Job | null, row: JobResult) => {
    const ids = row.attempt_log.map((a) => a.generation_id).filter((id): id is string => id !== null);
    if (!deps.generation.enabled || ids.length === 0) {
      if (job) deps.settle?.(job, row);
      return;
    }
    const opts = { now: deps.now, logger: deps.logger, signal: deps.signal };
    const work = (async () => {
      const found = new Map<string, GenerationStats | null>();
      await Promise.all(ids.map(async (id) => found.set(id, await fetchGeneration(gated, id, deps.generation, opts))));
      const costed = applyGeneration(row, found);
      if (job) deps.settle?.(job, costed);
      deps.onCost(costed);
    })().catch((error: unknown) => deps.logger.error(`cost lookup for ${row.job_id} failed: ${String(error)}`));
    pendingCosts.add(work);
    void work.finally(() => {
      pendingCosts.delete(work);
      // A settled cost can free budget for a job waiting on admission.
      wake?.();
    });
  };

  for (const row of deps.recoverCosts ?? []) lookupCost(null, row);
  const stopped = () => state.status !== 'ok' || deps.stopSignal?.aborted === true || deps.signal?.aborted === true;
  const { pacer } = deps;
  const pause = pacer ? AbortSignal.any([deps.stopSignal, deps.signal].filter((s) => s !== undefined)) : undefined;
  if (pacer) state.sends = { sent: 0, first: null, last: null };
  let warming = false;
  for await (const job of jobs) {
    // Warmup requests (listed first) finish before the first measured job is sent: none overlaps it.
    if (job.warmup) warming = true;
    else if (warming) {
      warming = false;
      await Promise.all(inFlight);
    }
    const hit = deps.fromCache && !job.warmup && !stopped() ? await deps.fromCache(job) : null;
    if (hit) {
      state.dispatched++;
      deps.onRow(hit, job);
      continue;
    }
    // A paced job waits for its time, then for a slot: the wait for the slot is queue time (queue_ms), never latency.
    const due = pacer && !job.warmup ? pacer.next() : null;
    if (due !== null && due > deps.now() && !(await sleep(due - deps.now(), pause))) break;
    while (!stopped() && limit.activeCount + limit.pendingCount >= limit.concurrency) await slotFreed();
    if (stopped()) break;
    let verdict = deps.admit ? deps.admit(job) : true;
    while (verdict === 'wait' && !stopped() && inFlight.size + pendingCosts.size > 0) {
      await slotFreed();
      verdict = deps.admit!(job);
    }
    if (stopped()) break;
    if (verdict !== true && verdict !== 'go') {
      state.status = 'budget';
      state.stopReason = 'the cost cap would be crossed by the next job; the rest were skipped';
      break;
    }
    const queuedAt = deps.now();
    // `dispatched` counts the measured jobs only: a budget stop skips the rest by this position.
    if (!job.warmup) state.dispatched++;
    if (state.sends && !job.warmup) recordSend(state.sends, queuedAt);
    // A paced job's queue_ms counts from when it was due (or from now, if a timer fired a hair early):
    // a run that falls behind its rate shows it there.
    const task = limit(() => runJob(job, jobDeps, due === null ? queuedAt : Math.min(due, queuedAt))).then((sent) => {
      // With /generation off no cost will come: the row says so (`none`), not `pending` for ever.
      const row: JobResult = deps.generation.enabled || sent.cost_source !== 'pending' ? sent : { ...sent, cost_source: 'none' };
      deps.onRow(row, job);
      lookupCost(job, withoutText(row));
      unreachable.saw(row);
    });
    inFlight.add(task);
    void task.finally(() => {
      inFlight.delete(task);
      wake?.();
    });
  }
  // Wake the dispatcher if it is parked while a stop arrives.
  await Promise.all(inFlight);
  await Promise.all(pendingCosts);
  if (state.status === 'ok' && (deps.stopSignal?.aborted || deps.signal?.aborted)) state.status = 'interrupted';
  return state;
}

/** Jobs in a row that must fail with `network` (each after its retries) before the run stops. */
export function unreachableLimit(concurrency: number): number {
  return Math.max(8, 2 * concurrency);
}

/**
 * An endpoint that refuses every connection (a wrong base_url, DNS gone, the network down) fails
 * every job the same way after minutes of retries: thousands of identical rows by morning. Stop
 * after enough network failures in a row; any other outcome resets the count.
 */
function unreachableBreaker(concurrency: number, trip: (row: JobResult) => void) {
  let inARow = 0;
  return {
    saw(row: JobResult) {
      inARow = row.error_kind === 'network' ? inARow + 1 : 0;
      if (inARow >= unreachableLimit(concurrency)) trip(row);
    },
  };
}

/**
 * AIMD on p-limit's concurrency: halve on a 429 (at most once a second, so one burst of 429s
 * counts once), add one back after a window of successes, never above the configured limit.
 */
function adaptiveConcurrency(limit: { concurrency: number }, max: number, now: () => number, onDecrease: (c: number) => void) {
  let lastDecrease = -Infinity;
  let successes = 0;
  return {
    decrease() {
      if (now() - lastDecrease < 1000) return;
      lastDecrease = now();
      successes = 0;
      const next = Math.max(1, Math.floor(limit.concurrency / 2));
      if (next < limit.concurrency) {
        limit.concurrency = next;
        onDecrease(next);
      }
    },
    increase() {
      if (limit.concurrency >= max) return;
      if (++successes >= limit.concurrency) {
        successes = 0;
        limit.concurrency = limit.concurrency + 1;
      }
    },
  };
}

/**
 * What a cost lookup holds while it waits (a second or more, hundreds at a time): the row
 * without the answer text, which no cost consumer reads and which is most of a real row.
 */
function withoutText(row: JobResult): JobResult {
  return row.output_text || row.reasoning_text ? { ...row, output_text: '', reasoning_text: '' } : row;
}
