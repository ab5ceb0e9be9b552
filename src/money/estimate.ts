// Pure: what a job will cost before it is sent. Prompt tokens come from a documented heuristic (no
// tokenizer matches every model behind OpenRouter), priced exactly with pricing.ts:
//   prompt tokens ≈ Σ messages (ceil(UTF-8 bytes / 4) + 4) + 3 + ceil(JSON bytes of tools and response_format / 4)
// Bytes, not characters, so non-Latin text is not under-counted; +4/+3 are OpenAI's template tokens.
// Recorded traffic: gpt-4o-mini 22 estimated vs 21 real, but providers add hidden template tokens
// (Claude ~30, Grok ~680), so the summary sets the estimate against the native counts.
import Big from 'big.js';
import { costOf, type Pricing } from './pricing.js';
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
