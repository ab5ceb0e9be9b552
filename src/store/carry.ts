// Pure: a job's final row carries the billed attempts of the rows it replaced, or a resumed budget
// forgets money already spent (issue 19: six SIGTERM + resume cycles spent 345 % of the cap).
import Big from 'big.js';
import type { Attempt, JobResult } from '../types/result.js';

/** `earlier` (oldest first) ahead of the row's own attempts; one already carried is not counted twice. */
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
