// The response cache during a run. A failing cache is a warning and a miss, never a crash or a lost row.
import { secretsOnly, type Logger } from '../log.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { entryText, hitRow } from './entry.js';
import { cacheKey } from './key.js';
import { readsCache, writesCache, type CachePlan } from './mode.js';
import { readCacheEntry, writeCacheEntry } from './store.js';

export interface CacheHooksDeps {
  runId: string;
  logger: Logger;
  date: () => Date;
  /** Never written into an entry, even if an endpoint echoed it into an answer. */
  secrets: (string | null)[];
}

export interface CacheHooks {
  /** Before the job is admitted: a hit is its row, sent nowhere and reserving nothing. */
  lookup(job: Job): Promise<JobResult | null>;
  /** An ok answer is stored now, or when its cost arrives. */
  sawRow(row: JobResult, job: Job): void;
  /** The row again with its /generation cost (answer text stripped). */
  sawCost(row: JobResult): void;
  readonly hits: ReadonlySet<string>;
  close(): Promise<void>;
}

export function createCacheHooks(plan: CachePlan, deps: CacheHooksDeps): CacheHooks {
  const { logger } = deps;
  const reads = readsCache(plan.mode);
  let writes = writesCache(plan.mode);
  const hide = secretsOnly(deps.secrets);
  const hits = new Set<string>();
  /** Ok rows waiting for their cost: the runner drops their text meanwhile, so it is kept here. */
  const waiting = new Map<string, { job: Job; output_text: string; reasoning_text: string }>();
  const inFlight = new Set<Promise<void>>();
  let stored = 0;
  const keyOf = (job: Job) => cacheKey(plan.base, job, plan.repeats);

  async function store(job: Job, row: JobResult): Promise<void> {
    const key = keyOf(job);
    // `write` keeps an entry that is already good; `refresh` (and read-write, which only stores misses) replaces.
    if (plan.mode === 'write') {
      const found = await readCacheEntry(plan.dir, key);
      if (found && 'entry' in found) return;
    }
    await writeCacheEntry(plan.dir, key, hide(entryText(key, row, { base: plan.base, storedAt: deps.date().toISOString() })));
    stored++;
  }

  function track(job: Job, row: JobResult): void {
    const work = store(job, row).catch((error: unknown) => {
      if (!writes) return;
      writes = false;
      logger.warn(`response cache: cannot write to ${plan.dir} (${(error as Error).message}); answers of this run are not stored, the run goes on`);
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  return {
    hits,
    async lookup(job) {
      if (!reads) return null;
      const found = await readCacheEntry(plan.dir, keyOf(job)).catch((error: unknown) => ({ problem: `unreadable (${(error as Error).message})`, file: plan.dir }));
      if (found === null) return null;
      if ('problem' in found) {
        logger.warn(`response cache: ${found.file} is ${found.problem}: a miss${writes ? ', and the new answer replaces it' : ''}`);
        return null;
      }
      hits.add(job.job_id);
      return hitRow(job, deps.runId, found.entry, deps.date().toISOString());
    },
    sawRow(row, job) {
      if (!writes || row.cache_hit || row.status !== 'ok') return;
      // `none`: no cost will come (generation off, or no id), so the answer is stored as it is.
      if (row.cost_source === 'pending') waiting.set(row.job_id, { job, output_text: row.output_text, reasoning_text: row.reasoning_text });
      else if (row.cost_source === 'none') track(job, row);
    },
    sawCost(row) {
      const held = waiting.get(row.job_id);
      if (!held) return;
      waiting.delete(row.job_id);
      // A cost that never came (pending) or cannot be true (invalid) is no figure to serve later.
      if (writes && row.status === 'ok' && row.cost_source === 'generation') track(held.job, { ...row, output_text: held.output_text, reasoning_text: held.reasoning_text });
    },
    async close() {
      await Promise.all(inFlight);
      waiting.clear();
      if (hits.size || stored) logger.debug(`response cache ${plan.dir}: ${hits.size} hit(s), ${stored} answer(s) stored`);
    },
  };
}
