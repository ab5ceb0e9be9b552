// Pure: what a job will cost before it is sent. Prompt tokens come from a documented heuristic (no
// tokenizer matches every model behind OpenRouter), priced exactly with pricing.ts:
//   prompt tokens ≈ Σ messages (ceil(UTF-8 bytes / 4) + 4) + 3 + ceil(JSON bytes of tools and response_format / 4)
// Bytes, not characters, so non-Latin text is not under-counted; +4/+3 are OpenAI's template tokens.
// Recorded traffic: gpt-4o-mini 22 estimated vs 21 real, but providers add hidden template tokens
// (Claude ~30, Grok ~680), so the summary sets the estimate against the native counts.
import Big from 'big.js';
import { costOf, type Pricing } from './pricing.js';
import type { EstimateSummary, GroupKey } from '../types/summary.js';
import { contentText, type Job, type Message, type Params } from '../types/job.js';

export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_REQUEST = 3;
/** Expected completion length for the low estimate when `--expect-tokens` is not given. */
export const DEFAULT_EXPECT_TOKENS = 256;
/** The budget reserves this much more prompt than estimated: the heuristic can be short. */
export const BUDGET_PROMPT_MARGIN = 1.25;

/** One image, not decoded: a 1024-px image's typical bill (OpenAI ~765 tokens, Anthropic ~1,400). */
export const TOKENS_PER_IMAGE = 1000;

export function estimatePromptTokens(messages: readonly Message[], params: Params = {}): number {
  const bytes = (text: string) => Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
  let total = TOKENS_PER_REQUEST;
  for (const m of messages) {
    if (typeof m.content === 'string') total += bytes(m.content) + TOKENS_PER_MESSAGE;
    else total += bytes(contentText(m.content)) + TOKENS_PER_MESSAGE + TOKENS_PER_IMAGE * m.content.filter((p) => p.type === 'image_url').length;
  }
  for (const key of ['tools', 'response_format']) if (params[key] !== undefined) total += bytes(JSON.stringify(params[key]));
  return total;
}

/** The completion cap a job sends: `max_tokens`, else `max_completion_tokens` (one is always set). */
export function maxTokensOf(params: Params): number | null {
  const value = params.max_tokens ?? params.max_completion_tokens;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

export interface JobEstimate {
  prompt_tokens: number;
  /** Completion tokens assumed by the low and high ends. */
  low_completion: number;
  high_completion: number;
  /** USD; null when the model's prices are unknown. */
  low_usd: Big | null;
  high_usd: Big | null;
}

/**
 * Low: the prompt plus `expectTokens` of answer (at most max_tokens). High: the prompt plus the
 * whole max_tokens, every token billed at the dearer of the completion and reasoning prices
 * (reasoning counts inside max_tokens, and a model may spend all of it thinking).
 */
export function estimateJob(job: Pick<Job, 'messages' | 'params'>, pricing: Pricing | null, expectTokens: number, at: Date): JobEstimate {
  const prompt = estimatePromptTokens(job.messages, job.params);
  const cap = maxTokensOf(job.params);
  const high = cap ?? expectTokens;
  const low = Math.min(expectTokens, high);
  return {
    prompt_tokens: prompt,
    low_completion: low,
    high_completion: high,
    low_usd: pricing ? costOf(pricing, { prompt, completion: low }, at) : null,
    high_usd: pricing ? worstCase(pricing, prompt, high, at) : null,
  };
}

/** The most `completion` tokens after a `prompt` can cost: all billed as reasoning or all as completion, whichever is dearer. */
export function worstCase(pricing: Pricing, prompt: number, completion: number, at: Date): Big {
  const plain = costOf(pricing, { prompt, completion }, at);
  const thinking = costOf(pricing, { prompt, completion, reasoning: completion }, at);
  return plain.gt(thinking) ? plain : thinking;
}

/** How far real token counts have run past the estimate for a model (1 = not at all). */
export interface ObservedFactors {
  /** Largest native prompt tokens / estimated prompt tokens seen. */
  prompt: number;
  /** Largest native prompt tokens − estimated prompt tokens seen: a provider's hidden template is a constant, not a ratio. */
  extra: number;
  /** Largest native completion tokens / max_tokens seen (reasoning can run past max_tokens). */
  completion: number;
}

/**
 * A job's budget reservation: the worst case, with the prompt estimate raised to what this model
 * has really needed (its hidden template tokens, as a ratio and as a constant), then by the margin.
 */
export function reservationFor(job: Pick<Job, 'messages' | 'params'>, pricing: Pricing, at: Date, seen?: ObservedFactors): Big {
  const estimate = estimatePromptTokens(job.messages, job.params);
  const learned = seen ? Math.max(estimate * seen.prompt, estimate + seen.extra) : 0;
  const prompt = Math.ceil(Math.max(estimate, learned) * BUDGET_PROMPT_MARGIN);
  const completion = Math.ceil((maxTokensOf(job.params) ?? 0) * Math.max(1, seen?.completion ?? 0));
  return worstCase(pricing, prompt, completion, at);
}

/** cost_estimate_usd: the row's native (billing) token counts at the requested model's listed prices. */
export function nativeCostEstimate(
  row: { native_tokens_prompt: number | null; native_tokens_completion: number | null; native_tokens_reasoning: number | null; native_tokens_cached: number | null },
  pricing: Pricing | null,
  at: Date,
): number | null {
  if (!pricing || row.native_tokens_prompt === null || row.native_tokens_completion === null) return null;
  const cost = costOf(
    pricing,
    {
      prompt: row.native_tokens_prompt,
      completion: row.native_tokens_completion,
      reasoning: row.native_tokens_reasoning ?? 0,
      cache_read: row.native_tokens_cached ?? 0,
    },
    at,
  );
  return Number(cost.toPrecision(12));
}

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
  /** Known costs summed; `incomplete` when some model's prices are unknown. */
  total: PlanRow & { incomplete: boolean };
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
): { add(job: Job): void; finish(): CostPlan } {
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
  const add = (job: Job) => {
    count++;
    const pricing = pricingOf(job.model);
    if (!pricing) incomplete = true;
    const shape = `${job.model}\u0000${estimatePromptTokens(job.messages, job.params)}\u0000${maxTokensOf(job.params)}`;
    let e = shapes.get(shape);
    if (!e) shapes.set(shape, (e = estimateJob(job, pricing, expectTokens, at)));
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
    };
  };
  return { add, finish };
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
