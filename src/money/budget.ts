// Pure: the cost cap. Before a job is dispatched its worst case is reserved; a job is never
// dispatched when spent + reserved + its reservation would pass the cap. When the job's real
// cost is known the reservation is replaced by it. Exact decimals (big.js) throughout, so a
// cap of $0.01 is not crossed by float noise.
import Big from 'big.js';
import { ConfigError } from '../errors.js';
import { toRow } from '../exec/job.js';
import type { AttemptOutcome } from '../provider/client.js';
import { estimatePromptTokens, maxTokensOf, reservationFor, type ObservedFactors } from './estimate.js';
import type { Pricing } from './pricing.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { WARN } from '../warnings.js';

/** `go`: reserved, dispatch it. `wait`: would fit once in-flight reservations settle. `stop`: can never fit. */
export type Admission = 'go' | 'wait' | 'stop';

export interface Budget {
  admit(job: Job): Admission;
  /** The job's charge so far; called again when a better-known cost arrives, it replaces the last. */
  settle(job: Job, row: JobResult): void;
  readonly cap: Big;
  /** Count money spent before this run started (a resumed run's earlier rows). */
  charge(usd: Big): void;
  /** Settled charges. */
  spent(): Big;
  /** Worst cases still held for jobs whose cost is not known yet. */
  reserved(): Big;
}

export function createBudget(capUsd: number, reservationOf: (job: Job) => Big): Budget {
  const cap = new Big(capUsd);
  const held = new Map<string, Big>();
  const charged = new Map<string, Big>();
  let spent = new Big(0);
  let reserved = new Big(0);
  return {
    cap,
    admit(job) {
      const need = reservationOf(job);
      if (spent.plus(reserved).plus(need).lte(cap)) {
        held.set(job.job_id, need);
        reserved = reserved.plus(need);
        return 'go';
      }
      // Reservations shrink to real costs as jobs finish; until then the job may still fit.
      return spent.plus(need).lte(cap) && reserved.gt(0) ? 'wait' : 'stop';
    },
    settle(job, row) {
      const reservation = held.get(job.job_id);
      const charge = chargeOf(row, reservation ?? new Big(0));
      if (reservation) {
        held.delete(job.job_id);
        reserved = reserved.minus(reservation);
      }
      spent = spent.minus(charged.get(job.job_id) ?? 0).plus(charge);
      charged.set(job.job_id, charge);
    },
    charge(usd) {
      spent = spent.plus(usd);
    },
    spent: () => spent,
    reserved: () => reserved,
  };
}

/**
 * The budget of a run with a cap, or a ConfigError before anything is sent when a price is
 * unknown: a cap that guesses is no cap. `pricingOf` is null when preflight was skipped.
 */
/** `models`: the slugs the run sends to (the matrix itself is not needed: prices are per model). */
export function budgetFor(capUsd: number, models: Iterable<string>, pricingOf: ((model: string) => Pricing | null) | null, date: () => Date): Budget {
  if (!pricingOf) throw new ConfigError(WARN.budgetNeedsPreflight());
  const unknown = [...new Set(models)].filter((m) => !pricingOf(m));
  if (unknown.length) throw new ConfigError(WARN.budgetNeedsPrices(unknown));
  // Reservations learn from settled rows: a model whose provider adds hidden prompt tokens (or
  // thinks past max_tokens) gets reservations that cover what it really used.
  const seen = new Map<string, ObservedFactors>();
  const budget = createBudget(capUsd, (job) => reservationFor(job, pricingOf(job.model)!, date(), seen.get(job.model)));
  return {
    ...budget,
    settle(job, row) {
      const f = seen.get(job.model) ?? { prompt: 0, completion: 0 };
      const prompt = row.native_tokens_prompt ?? row.tokens_prompt;
      const completion = row.native_tokens_completion ?? row.tokens_completion;
      const cap = maxTokensOf(job.params);
      if (prompt !== null) f.prompt = Math.max(f.prompt, prompt / estimatePromptTokens(job.messages, job.params));
      if (completion !== null && cap) f.completion = Math.max(f.completion, completion / cap);
      seen.set(job.model, f);
      budget.settle(job, row);
    },
  };
}

/**
 * What a finished job has cost, conservatively: the largest of the costs known for it
 * (spent_usd covers every attempt, cost_usd the kept one, cost_usage_usd the stream's own
 * figure). With no figure at all but a billed attempt, the worst case per billed attempt stays
 * charged; a job with no generation (refused before it started) cost nothing.
 */
export function chargeOf(row: JobResult, reservation: Big): Big {
  const known = [row.spent_usd, row.cost_usd, row.cost_usage_usd].filter((v): v is number => v !== null && Number.isFinite(v));
  const billed = row.attempt_log.filter((a) => a.generation_id !== null).length || (row.generation_id ? 1 : 0);
  if (known.length && (billed <= 1 || row.spent_usd !== null)) return known.map((v) => new Big(v)).reduce((a, b) => (a.gt(b) ? a : b));
  if (billed === 0) return new Big(0);
  return reservation.times(billed);
}

/**
 * The row for a job the cap kept from being sent: skipped, not failed. It is toRow's row for a job
 * with no attempt, so it has every field a sent job's row has, and gains any that is added there.
 */
export function budgetSkippedRow(job: Job, runId: string, at: string, capUsd: number): JobResult {
  const notSent: AttemptOutcome = {
    ok: false,
    http_status: null,
    error_kind: 'budget',
    error_message: `not sent: its worst-case cost would have taken the run past the $${capUsd} cap`,
    retry_after_ms: null,
    response_started: false,
    stream: null,
    sent_at: 0,
    ended_at: 0,
  };
  // Nothing was timed: no latency, not a latency of 0.
  return { ...toRow(job, runId, notSent, [], null, at), status: 'skipped', latency_ms: null };
}
