// Pure: the plan of a matrix, priced job by job with estimate.ts: its size, estimated tokens and
// the low–high cost range per group, per model and in all, with the judge and warmup requests the
// run would send besides. `plan`, `run --dry-run`, the confirmation and summary.json's estimate read it.
import Big from 'big.js';
import type { Pricing } from './pricing.js';
import { estimateJob, estimatePromptTokens, maxTokensOf, type JobEstimate } from './estimate.js';
import type { EstimateSummary, GroupKey } from '../types/summary.js';
import type { Job } from '../types/job.js';

export interface PlanRow extends GroupKey {
  /** '*' on a per-model total row. */
  system_prompt_id: string;
  jobs: number;
  /** Estimated prompt tokens: per job (mean, rounded) and in all. */
  prompt_tokens_per_job: number;
  prompt_tokens: number;
  /** Completion tokens assumed at the low and high ends, in all. */
  low_completion_tokens: number;
  high_completion_tokens: number;
  /** USD, exact decimals as numbers; null when the model's prices are unknown. */
  low_usd: number | null;
  high_usd: number | null;
}

export interface CostPlan {
  jobs: number;
  expect_tokens: number;
  /** How prompt tokens were estimated, for the reader of a plan. */
  method: string;
  /** Per model × system prompt, in matrix order. */
  groups: PlanRow[];
  /** Per model. */
  models: PlanRow[];
  /** Known costs of the jobs and their judge requests summed; `incomplete` when some model's prices are unknown. */
  total: PlanRow & { incomplete: boolean };
  /**
   * The warmup requests (`--warmup N`), priced like the jobs they copy: paid for, so at stake
   * (atStake), but not in `total`, which summary.json sets against the measured rows.
   */
  warmup?: PlanRow;
  unknown_prices: string[];
  /** How --tasks, --sample, --limit and --var shaped the matrix, one line each (absent when none did). */
  selection?: string[];
}

export const ESTIMATE_METHOD = 'prompt tokens ≈ Σ(ceil(UTF-8 bytes / 4) + 4 per message) + 3 (+ tools and response_format JSON / 4, + 1000 per image); an estimate: the native tokenizer and hidden provider templates decide the bill';

/** The plan of a matrix: sizes, estimated tokens and the low–high cost range per group, model and in total. */
export function buildPlan(jobs: Iterable<Job>, pricingOf: (model: string) => Pricing | null, expectTokens: number, at: Date): CostPlan {
  const planner = createPlanner(pricingOf, expectTokens, at);
  for (const job of jobs) planner.add(job);
  return planner.finish();
}

/** buildPlan one job at a time, for a matrix that streams: memory grows with the groups and job shapes, not the jobs. */
export function createPlanner(
  pricingOf: (model: string) => Pricing | null,
  expectTokens: number,
  at: Date,
  /** Requests a job brings besides its own (its judge checks: money/judge-estimate.ts). */
  extras?: (job: Job) => { model: string; estimate: JobEstimate }[],
): { add(job: Job): void; addWarmup(job: Job): void; finish(): CostPlan } {
  interface Acc { row: PlanRow; low: Big; high: Big; known: boolean }
  const groups = new Map<string, Acc>();
  const models = new Map<string, Acc>();
  const total: Acc = { row: emptyRow('*', 'all', '*'), low: new Big(0), high: new Big(0), known: true };
  let incomplete = false;
  const addTo = (acc: Acc, e: JobEstimate) => {
    acc.row.jobs++;
    acc.row.prompt_tokens += e.prompt_tokens;
    acc.row.low_completion_tokens += e.low_completion;
    acc.row.high_completion_tokens += e.high_completion;
    if (e.low_usd && e.high_usd) {
      acc.low = acc.low.plus(e.low_usd);
      acc.high = acc.high.plus(e.high_usd);
    } else acc.known = false;
  };
  const at_ = <K>(map: Map<K, Acc>, key: K, make: () => PlanRow) => {
    let acc = map.get(key);
    if (!acc) map.set(key, (acc = { row: make(), low: new Big(0), high: new Big(0), known: true }));
    return acc;
  };
  // Price each job shape once: exact decimal arithmetic is the slow part of a 100k-job plan.
  const shapes = new Map<string, JobEstimate>();
  let count = 0;
  const priced = (job: Job) => {
    const pricing = pricingOf(job.model);
    if (!pricing) incomplete = true;
    const shape = `${job.model}\u0000${estimatePromptTokens(job.messages, job.params)}\u0000${maxTokensOf(job.params)}`;
    let e = shapes.get(shape);
    if (!e) shapes.set(shape, (e = estimateJob(job, pricing, expectTokens, at)));
    return { pricing, e };
  };
  let warmup: Acc | null = null;
  const addWarmup = (job: Job) => {
    addTo((warmup ??= { row: emptyRow('*', 'warmup', '*'), low: new Big(0), high: new Big(0), known: true }), priced(job).e);
  };
  const add = (job: Job) => {
    count++;
    const { pricing, e } = priced(job);
    // The label too: one model's arms (two labels, two providers) are rows of their own.
    addTo(at_(groups, `${job.model}\u0000${job.model_label}\u0000${job.system_prompt_id}`, () => emptyRow(job.model, job.model_label, job.system_prompt_id)), e);
    const model = at_(models, job.model, () => emptyRow(job.model, job.model_label, '*'));
    // A model under several labels (its arms): its own row is named by its slug.
    if (model.row.model_label !== job.model_label) model.row.model_label = job.model;
    addTo(model, e);
    // The total sums what is known and says it is incomplete, rather than hiding every number.
    addTo(total, pricing ? e : { ...e, low_usd: new Big(0), high_usd: new Big(0) });
    // A judge check is a request of its own: a line per judge model, in the total too.
    for (const judged of extras?.(job) ?? []) {
      if (!judged.estimate.high_usd) incomplete = true;
      addTo(at_(models, `judge\u0000${judged.model}`, () => emptyRow(judged.model, `${judged.model} (judge)`, '*')), judged.estimate);
      addTo(total, judged.estimate.high_usd ? judged.estimate : { ...judged.estimate, low_usd: new Big(0), high_usd: new Big(0) });
    }
  };
  const done = (acc: Acc): PlanRow => ({
    ...acc.row,
    prompt_tokens_per_job: acc.row.jobs ? Math.round(acc.row.prompt_tokens / acc.row.jobs) : 0,
    low_usd: acc.known ? acc.low.toNumber() : null,
    high_usd: acc.known ? acc.high.toNumber() : null,
  });
  const finish = (): CostPlan => {
    const modelRows = [...models.values()].map(done);
    return {
      jobs: count,
      expect_tokens: expectTokens,
      method: ESTIMATE_METHOD,
      groups: [...groups.values()].map(done),
      models: modelRows,
      total: { ...done(total), incomplete },
      unknown_prices: modelRows.filter((m) => m.low_usd === null).map((m) => m.model),
      ...(warmup ? { warmup: done(warmup) } : {}),
    };
  };
  return { add, addWarmup, finish };
}

function emptyRow(model: string, model_label: string, system_prompt_id: string): PlanRow {
  return { model, model_label, system_prompt_id, jobs: 0, prompt_tokens_per_job: 0, prompt_tokens: 0, low_completion_tokens: 0, high_completion_tokens: 0, low_usd: null, high_usd: null };
}

/** The plan's totals as summary.json carries them; the aggregator fills in the actual side. */
export function estimateSummary(plan: CostPlan): EstimateSummary {
  const t = plan.total;
  return {
    expect_tokens: plan.expect_tokens,
    jobs: plan.jobs,
    low_usd: t.incomplete ? null : t.low_usd,
    high_usd: t.incomplete ? null : t.high_usd,
    actual_usd: null,
    prompt_tokens_estimated: t.prompt_tokens,
    prompt_tokens_actual: null,
  };
}

/**
 * Everything a run would send, priced: the total and the warmup requests, the known prices summed
 * exactly; `incomplete` when some price is unknown (the sums then leave it out).
 */
export function atStake(plan: CostPlan): { jobs: number; prompt_tokens: number; low_usd: number | null; high_usd: number | null; incomplete: boolean } {
  const t = plan.total;
  const w = plan.warmup;
  const plus = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined ? a : new Big(a).plus(b).toNumber());
  return {
    jobs: t.jobs + (w?.jobs ?? 0),
    prompt_tokens: t.prompt_tokens + (w?.prompt_tokens ?? 0),
    low_usd: plus(t.low_usd, w?.low_usd),
    high_usd: plus(t.high_usd, w?.high_usd),
    incomplete: t.incomplete || w?.low_usd === null,
  };
}
