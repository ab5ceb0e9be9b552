// Pure: the cost cap. Before a job is dispatched its worst case is reserved (and again before
// each retry that may be billed); a job is never dispatched when spent + reserved + its
// reservation would pass the cap. When the job's real cost is known the reservation is replaced
// by it. Exact decimals (big.js) throughout, so a cap of $0.01 is not crossed by float noise.
import Big from 'big.js';
import { ConfigError } from '../errors.js';
import { toRow } from '../exec/job.js';
import type { AttemptOutcome } from '../provider/client.js';
import { attemptCharges, chargeOf, unknownAttempts } from './charge.js';
import { estimatePromptTokens, maxTokensOf, reservationFor, type ObservedFactors } from './estimate.js';
import { judgeWorst } from './judge-estimate.js';
import type { Pricing } from './pricing.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { WARN } from '../warnings.js';

/** `go`: reserved, dispatch it. `wait`: would fit once in-flight reservations settle. `stop`: can never fit. */
export type Admission = 'go' | 'wait' | 'stop';

export interface Budget {
  admit(job: Job): Admission;
  /**
   * Before another attempt of a job that has made `billed` billed attempts: every attempt that
   * streams may be billed, so each needs its own worst case reserved. False: it does not fit, do
   * not retry.
   */
  retry(job: Job, billed: number): boolean;
  /** The job's row the moment it ends, before /generation: learn from the stream's own usage. */
  observe(job: Job, row: JobResult): void;
  /** A job of the matrix, as a resume reads it (before `recall`): `done` when the folder has its row. */
  know(job: Job, done: boolean): void;
  /** A row of an earlier invocation (a resumed folder): learn from its real counts before anything is sent. */
  recall(row: JobResult): void;
  /** The job's charge so far; called again when a better-known cost arrives, it replaces the last. */
  settle(job: Job, row: JobResult): void;
  readonly cap: Big;
  /**
   * Money an earlier invocation spent (a resumed folder), under `key`: `known` is spent;
   * `unknown` (the worst case of the attempts whose cost is still being looked up) is held until
   * `final`, when it is spent too. Called again with the same key, it replaces the last.
   */
  earlier(key: string, known: Big, unknown: Big, final: boolean): void;
  /** One attempt's worst case for a job of this run, or of the model, for an earlier attempt whose cost is unknown. */
  worstFor(row: Pick<JobResult, 'job_id' | 'model'>): Big;
  /** Settled charges. */
  spent(): Big;
  /** Worst cases still held for jobs whose cost is not known yet. */
  reserved(): Big;
  /** Let go of what was held for the judge checks of settled jobs: the judge pass reserves each request itself. */
  releaseJudges(): void;
}

export function createBudget(capUsd: number, reservationOf: (job: Job) => Big): Budget {
  const cap = new Big(capUsd);
  /** Per job: one attempt's worst case and how many attempts are reserved. */
  const held = new Map<string, { each: Big; attempts: number }>();
  const charged = new Map<string, Big>();
  const holds = new Map<string, Big>();
  let spent = new Big(0);
  let reserved = new Big(0);
  const fits = (need: Big) => spent.plus(reserved).plus(need).lte(cap);
  const charge = (key: string, usd: Big) => {
    spent = spent.minus(charged.get(key) ?? 0).plus(usd);
    charged.set(key, usd);
  };
  const hold = (key: string, usd: Big | null) => {
    reserved = reserved.minus(holds.get(key) ?? 0);
    if (usd === null) holds.delete(key);
    else {
      holds.set(key, usd);
      reserved = reserved.plus(usd);
    }
  };
  return {
    cap,
    admit(job) {
      const need = reservationOf(job);
      if (fits(need)) {
        held.set(job.job_id, { each: need, attempts: 1 });
        hold(job.job_id, need);
        return 'go';
      }
      // Reservations shrink to real costs as jobs finish; until then the job may still fit.
      return spent.plus(need).lte(cap) && reserved.gt(0) ? 'wait' : 'stop';
    },
    retry(job, billed) {
      const h = held.get(job.job_id);
      if (!h || billed < h.attempts) return true;
      if (!fits(h.each)) return false;
      h.attempts++;
      hold(job.job_id, h.each.times(h.attempts));
      return true;
    },
    observe() {},
    know() {},
    recall() {},
    settle(job, row) {
      const h = held.get(job.job_id);
      held.delete(job.job_id);
      hold(job.job_id, null);
      charge(job.job_id, chargeOf(row, h?.each ?? new Big(0)));
    },
    earlier(key, known, unknown, final) {
      const id = `earlier\u0000${key}`;
      charge(id, final ? known.plus(unknown) : known);
      hold(id, final || unknown.eq(0) ? null : unknown);
    },
    worstFor: () => new Big(0),
    spent: () => spent,
    reserved: () => reserved,
    releaseJudges() {},
  };
}

/**
 * The budget of a run with a cap, or a ConfigError before anything is sent when a price is
 * unknown: a cap that guesses is no cap. `pricingOf` is null when preflight was skipped.
 */
/** Probes of a model that may end without a prompt count before it runs at full concurrency anyway. */
const MAX_BLIND_PROBES = 3;

/** `models`: the slugs the run sends to (prices are per model; the matrix streams past, see `know`). */
export function budgetFor(capUsd: number, models: Iterable<string>, pricingOf: ((model: string) => Pricing | null) | null, date: () => Date): Budget {
  if (!pricingOf) throw new ConfigError(WARN.budgetNeedsPreflight());
  const unknown = [...new Set(models)].filter((m) => !pricingOf(m));
  if (unknown.length) throw new ConfigError(WARN.budgetNeedsPrices(unknown));
  // Reservations learn from real counts: a model whose provider adds hidden prompt tokens (or
  // thinks past max_tokens) gets reservations that cover what it really used.
  const seen = new Map<string, ObservedFactors>();
  // A job with judge checks reserves their worst case too, and keeps it held once its own cost is
  // in: the judge is asked after the last job, and the cap must still have room for it then.
  const judgeOf = (job: Job) => judgeWorst(job, pricingOf, date());
  const reservationOf = (job: Job) => reservationFor(job, pricingOf(job.model)!, date(), seen.get(job.model)).plus(judgeOf(job));
  const budget = createBudget(capUsd, reservationOf);
  const judgeHolds = new Set<string>();
  // Until a model's real prompt size is known, one job of it at a time: at concurrency 50, fifty
  // jobs reserved at an estimate 10× short all went out before the first one told the truth. An
  // endpoint that never reports usage would be run one job at a time for ever: after a few
  // probes that told nothing, the model runs at full concurrency on the estimate.
  const probes = new Map<string, Set<string>>();
  const promptKnown = new Set<string>();
  const blindProbes = new Map<string, number>();
  const learn = (job: Job, row: JobResult) => {
    const prompt = row.native_tokens_prompt ?? row.tokens_prompt;
    const completion = row.native_tokens_completion ?? row.tokens_completion;
    const f = seen.get(job.model) ?? { prompt: 0, extra: 0, completion: 0 };
    const estimate = estimatePromptTokens(job.messages, job.params);
    const cap = maxTokensOf(job.params);
    if (prompt !== null) {
      f.prompt = Math.max(f.prompt, prompt / estimate);
      f.extra = Math.max(f.extra, prompt - estimate);
      promptKnown.add(job.model);
    }
    if (completion !== null && cap) f.completion = Math.max(f.completion, completion / cap);
    seen.set(job.model, f);
  };
  // Filled by `know` as a resume reads the matrix: the jobs earlier rows belong to, and each model's worst job.
  const byId = new Map<string, Job>();
  const worstOfModel = new Map<string, Big>();
  return {
    ...budget,
    admit(job) {
      let probing = probes.get(job.model);
      const blind = !promptKnown.has(job.model) && (blindProbes.get(job.model) ?? 0) < MAX_BLIND_PROBES;
      if (blind && probing?.size) return 'wait';
      const verdict = budget.admit(job);
      if (verdict === 'go' && blind) {
        if (!probing) probes.set(job.model, (probing = new Set()));
        probing.add(job.job_id);
      }
      return verdict;
    },
    observe: learn,
    know(job, done) {
      if (done) byId.set(job.job_id, job);
      const worst = reservationOf(job);
      if (worst.gt(worstOfModel.get(job.model) ?? 0)) worstOfModel.set(job.model, worst);
    },
    recall(row) {
      const job = byId.get(row.job_id);
      if (job) learn(job, row);
    },
    settle(job, row) {
      learn(job, row);
      if (probes.get(job.model)?.delete(job.job_id) && !promptKnown.has(job.model)) blindProbes.set(job.model, (blindProbes.get(job.model) ?? 0) + 1);
      budget.settle(job, row);
      const judge = row.status === 'ok' ? judgeOf(job) : new Big(0);
      if (judge.gt(0)) {
        judgeHolds.add(job.job_id);
        budget.earlier(`judge\u0000${job.job_id}`, new Big(0), judge, false);
      }
    },
    releaseJudges() {
      for (const id of judgeHolds) budget.earlier(`judge\u0000${id}`, new Big(0), new Big(0), true);
      judgeHolds.clear();
    },
    worstFor(row) {
      const job = byId.get(row.job_id);
      if (job) return reservationOf(job);
      // A model no longer in the matrix: the worst job of any model.
      return worstOfModel.get(row.model) ?? [...worstOfModel.values()].reduce((a, b) => (a.gt(b) ? a : b), new Big(0));
    },
  };
}

/** Charge a row of an earlier invocation under its cost key: known attempts at their cost, the rest at their worst case (held until `final`). */
export function chargeEarlierRow(budget: Budget, key: string, row: JobResult, final: boolean): void {
  const charges = attemptCharges(row);
  budget.earlier(key, charges.known, budget.worstFor(row).times(unknownAttempts(charges)), final);
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
