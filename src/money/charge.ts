// Pure: what a row has cost, attempt by attempt. Every attempt that streamed has a generation
// id and may be billed (an aborted or failed one too), so each counts: at its /generation cost
// when known, else at a worst case the caller gives. Exact decimals (big.js).
import Big from 'big.js';
import type { JobResult } from '../types/result.js';

export interface AttemptCharges {
  /** Sum of the attempts whose cost is known. */
  known: Big;
  /** Generation ids of the billed attempts whose cost is not known yet. */
  unknown: string[];
  /** Attempts aborted with no generation id after their request reached the API: maybe billed, never known. */
  unidentified: number;
}

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);
const largest = (values: number[]) => values.map((v) => new Big(v)).reduce((a, b) => (a.gt(b) ? a : b));

/**
 * The known and unknown parts of a row's spend. The kept attempt's cost may be known from the
 * row itself (cost_usd, or the stream's usage.cost) before its attempt entry has it; the larger
 * figure counts. A row written before attempts had ids counts its kept generation alone.
 */
export function attemptCharges(row: Pick<JobResult, 'attempt_log' | 'generation_id' | 'cost_usd' | 'cost_usage_usd'>): AttemptCharges {
  const billed = row.attempt_log.filter((a) => a.generation_id !== null);
  const attempts = billed.length ? billed : row.generation_id ? [{ generation_id: row.generation_id, cost_usd: null }] : [];
  let known = new Big(0);
  const unknown: string[] = [];
  for (const a of attempts) {
    const kept = a.generation_id === row.generation_id;
    const figures = [a.cost_usd, kept ? row.cost_usd : null, kept ? row.cost_usage_usd : null].filter(finite);
    if (figures.length) known = known.plus(largest(figures));
    else unknown.push(a.generation_id!);
  }
  return { known, unknown, unidentified: row.attempt_log.filter((a) => a.unidentified).length };
}

/** The attempts that count at their worst case: unknown for now, or for good. */
export const unknownAttempts = (charges: AttemptCharges): number => charges.unknown.length + charges.unidentified;

/**
 * What a finished job has cost, conservatively: each billed attempt at its known cost, or at
 * `perAttempt` (its worst case) while unknown; never less than the row's own spent_usd. A job
 * with no generation (refused before it started) cost nothing.
 */
export function chargeOf(row: JobResult, perAttempt: Big): Big {
  const charges = attemptCharges(row);
  const charge = charges.known.plus(perAttempt.times(unknownAttempts(charges)));
  return finite(row.spent_usd) && new Big(row.spent_usd).gt(charge) ? new Big(row.spent_usd) : charge;
}
