// Pure: a job's final row carries the billed attempts of its earlier rows. A job aborted by a
// kill (or failed, then run again with --retry-errors) was paid for each time it streamed; when
// compaction keeps only its last row, that money must stay on the books, or a resumed budget
// and the summary forget it (issue 19: six SIGTERM + resume cycles spent 345 % of the cap).
import Big from 'big.js';
import type { Attempt, JobResult } from '../types/result.js';

/**
 * `row` with the billed attempts of `earlier` (the job's replaced rows, oldest first) in front of
 * its own, numbered again; `attempts` and `spent_usd` follow. An attempt already on the row (the
 * earlier row was itself carried forward) is not counted twice.
 */
export function withEarlierAttempts(row: JobResult, earlier: readonly Attempt[]): JobResult {
  const seen = new Set(row.attempt_log.map((a) => a.generation_id).filter((id) => id !== null));
  const carried: Attempt[] = [];
  for (const a of earlier) {
    // An unidentified attempt has no id to match; each replaced row is carried once, so it is too.
    if (a.unidentified) carried.push(a);
    if (a.generation_id === null || seen.has(a.generation_id)) continue;
    seen.add(a.generation_id);
    carried.push(a);
  }
  if (!carried.length) return row;
  const attempt_log = [...carried, ...row.attempt_log].map((a, i) => ({ ...a, attempt: i + 1 }));
  const billed = attempt_log.filter((a) => a.generation_id !== null);
  // Unknown while any billed attempt's cost is: null, never a partial sum that reads as the whole.
  const known = billed.every((a) => a.cost_usd !== null) && !attempt_log.some((a) => a.unidentified);
  const spent = known ? billed.reduce((sum, a) => sum.plus(a.cost_usd!), new Big(0)).toNumber() : null;
  return { ...row, attempts: attempt_log.length, attempt_log, spent_usd: spent };
}
