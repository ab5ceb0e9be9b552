// Native tokens and the authoritative cost come from GET /generation, which answers 404 for
// seconds after a stream ends (wire reference §3.1). Poll with back-off until a total cap.
// Runs off the job's concurrency slot: the runner calls it after the slot is released.
import type { Logger } from '../log.js';
import type { GenerationStats } from './wire.js';
import type { Client } from './client.js';
import { invalidRecord, parseGenerationBody } from './generation-parse.js';
import { onAbort } from './on-abort.js';
import { sleep } from './sleep.js';

export interface GenerationPolicy {
  enabled: boolean;
  /** Wait before the first try: the record is almost never there at once. */
  first_delay_ms: number;
  /** Give up (cost stays "pending") after this long in total. */
  max_wait_ms: number;
}

const RETRYABLE = (status: number) => status === 404 || status === 408 || status === 429 || status >= 500;
/** A try that starts at the cap still gets this long to answer. */
const LAST_TRY_MS = 1000;

/**
 * How long one try may take: what is left of max_wait_ms, rounded up to a tenth of a second.
 * Node keeps one timer list per distinct duration: exact remainders made a list (and a priority
 * queue insert) for nearly every lookup, 2 % of a run's CPU; tenths share a few.
 */
const capMs = (remaining: number) => Math.max(Math.ceil(remaining / 100) * 100, LAST_TRY_MS);

/** Poll until the record appears; null when it never did (the caller records cost as pending). */
export async function fetchGeneration(
  client: Pick<Client, 'generation'>,
  id: string,
  policy: GenerationPolicy,
  opts: { now: () => number; logger: Logger; signal?: AbortSignal },
): Promise<GenerationStats | null> {
  const deadline = opts.now() + policy.max_wait_ms;
  let wait = policy.first_delay_ms;
  for (let attempt = 1; ; attempt++) {
    const remaining = deadline - opts.now();
    if (remaining <= 0) break;
    if (!(await sleep(Math.min(wait, remaining), opts.signal))) return null;
    // Each try ends at the cap: a lookup that hangs must not hold the row (and the run's end)
    // for the HTTP client's own timeouts, which are minutes. A plain controller and timer, both
    // released when the try ends: AbortSignal.timeout would keep a timer alive for the whole cap
    // after every answered lookup (100k of them in a long run), and AbortSignal.any on the run's
    // signal retains its dependents on Node 20.
    const tryCap = new AbortController();
    const timer = setTimeout(() => tryCap.abort(new Error('max_wait_ms reached')), capMs(deadline - opts.now()));
    const forget = opts.signal ? onAbort(opts.signal, () => tryCap.abort(opts.signal?.reason)) : null;
    try {
      const { status, body } = await client.generation(id, tryCap.signal);
      if (status === 200) {
        // A 200 is the server's final word: an impossible or missing record will not improve by
        // asking again for a minute. One warning per run; the row says `cost_source: invalid`.
        const stats = parseGenerationBody(body) ?? invalidRecord(id, 'a 200 answer without a generation record');
        if (stats.invalid !== undefined) {
          if (firstTime(opts.logger, 'invalid')) opts.logger.warn(`/generation ${id} answered an invalid record (${stats.invalid}): its cost is unknown (cost_source: invalid); later invalid records are not reported`);
          else opts.logger.debug(`/generation ${id}: invalid record (${stats.invalid})`);
        }
        return stats;
      } else if (!RETRYABLE(status)) {
        // A 401/403 here answers every lookup of the run alike: say it once, not once per job.
        if (firstTime(opts.logger, status)) opts.logger.warn(`/generation ${id} answered ${status}; its cost stays pending (later lookups answering ${status} are not reported)`);
        else opts.logger.debug(`/generation ${id} answered ${status}; cost pending`);
        return null;
      } else {
        opts.logger.debug(`/generation ${id}: ${status} on try ${attempt}`);
      }
    } catch (error) {
      if (opts.signal?.aborted) return null;
      opts.logger.debug(`/generation ${id}: ${(error as Error).message} on try ${attempt}`);
    } finally {
      clearTimeout(timer);
      forget?.();
    }
    wait = Math.min(Math.max(wait * 2, 500), 15_000);
  }
  opts.logger.debug(`/generation ${id}: gave up after ${policy.max_wait_ms} ms; cost pending`);
  return null;
}

const reported = new WeakMap<Logger, Set<number | 'invalid'>>();
function firstTime(logger: Logger, status: number | 'invalid'): boolean {
  let seen = reported.get(logger);
  if (!seen) reported.set(logger, (seen = new Set()));
  if (seen.has(status)) return false;
  seen.add(status);
  return true;
}
