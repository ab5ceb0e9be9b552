// Pure: tokens and money. Costs are exact decimal arithmetic (big.js) on the catalog's price
// strings, converted to a Number only at the end, so a test can check them to the last digit.
//
// The rule that lets a test tell which numbers a client reported:
//   usage (inline, in the stream)   prompt_tokens = ceil(chars / 4) + 3 per message
//                                   completion_tokens = tokens emitted (reasoning included)
//   native (/generation)            native_tokens_prompt = prompt_tokens + 5
//                                   native_tokens_completion = completion_tokens + 1
//                                   native_tokens_reasoning = reasoning tokens emitted
//   cost = prompt × pricing.prompt + completion × pricing.completion
//          (+ reasoning × pricing.internal_reasoning when priced)
//   usage.cost and /generation total_cost both apply it to the native counts: both are "the
//   amount charged" (wire reference §2, §3), and they agree on a real clean run, so a test of
//   the cost reconciliation sees them disagree only when a fault (cost_mismatch) says so.
import Big from 'big.js';
import type { MockPricing } from './catalog.js';

export const NATIVE_PROMPT_EXTRA = 5;
export const NATIVE_COMPLETION_EXTRA = 1;

export interface Counts {
  prompt: number;
  completion: number;
  reasoning: number;
}

export interface Priced {
  prompt: Big;
  completion: Big;
  total: Big;
}

export function nativeCounts(c: Counts): Counts {
  return { prompt: c.prompt + NATIVE_PROMPT_EXTRA, completion: c.completion + NATIVE_COMPLETION_EXTRA, reasoning: c.reasoning };
}

export function price(pricing: MockPricing, c: Counts): Priced {
  const prompt = new Big(pricing.prompt).times(c.prompt);
  let completion = new Big(pricing.completion).times(c.completion);
  if (pricing.internal_reasoning) completion = completion.plus(new Big(pricing.internal_reasoning).times(c.reasoning));
  return { prompt, completion, total: prompt.plus(completion) };
}

/** The 2026 inline usage object (wire reference §2), as JSON text for the final chunk. */
export function usageJson(pricing: MockPricing, c: Counts): string {
  const cost = price(pricing, nativeCounts(c));
  const total = cost.total.toNumber();
  return JSON.stringify({
    prompt_tokens: c.prompt,
    completion_tokens: c.completion,
    total_tokens: c.prompt + c.completion,
    cost: total,
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0, audio_tokens: 0, video_tokens: 0 },
    cost_details: {
      upstream_inference_cost: total,
      upstream_inference_prompt_cost: cost.prompt.toNumber(),
      upstream_inference_completions_cost: cost.completion.toNumber(),
    },
    completion_tokens_details: { reasoning_tokens: c.reasoning, image_tokens: 0, audio_tokens: 0 },
  });
}

/** What the server remembers about a finished stream, to answer /generation. */
export interface GenerationRecord {
  id: string;
  /** Served model's canonical slug. */
  model: string;
  provider: string;
  pricing: MockPricing;
  /** Usage counts of what was actually emitted. */
  counts: Counts;
  received_at: number;
  first_token_at: number | null;
  end_at: number;
  finish_reason: string | null;
  native_finish_reason: string | null;
  cancelled: boolean;
  /** The request asked for a stream. */
  streamed: boolean;
  /** 2 under `fault=cost_mismatch`, else 1. */
  cost_factor: number;
  /** Epoch ms from which /generation answers 200; Infinity under `fault=generation_never`. */
  ready_at: number;
  external_user: string | null;
  session_id: string | null;
  http_referer: string | null;
  user_agent: string | null;
}

/** What a stream was billed: /generation's total_cost, exact. */
export function billedUsd(rec: GenerationRecord): Big {
  return price(rec.pricing, nativeCounts(rec.counts)).total.times(rec.cost_factor);
}

/** Every field of the documented /generation example (wire reference §3); times in ms. */
export function generationBody(rec: GenerationRecord): Record<string, unknown> {
  const native = nativeCounts(rec.counts);
  const cost = billedUsd(rec).toNumber();
  const suffix = rec.id.slice('gen-'.length);
  return {
    api_type: 'completions',
    app_id: null,
    cache_discount: null,
    cancelled: rec.cancelled,
    created_at: new Date(rec.received_at).toISOString(),
    data_region: 'global',
    external_user: rec.external_user,
    finish_reason: rec.finish_reason,
    generation_time: Math.round(rec.end_at - rec.received_at),
    http_referer: rec.http_referer,
    id: rec.id,
    is_byok: false,
    // OpenRouter's latency is the wait for the first token; the whole stream if none came.
    latency: Math.round((rec.first_token_at ?? rec.end_at) - rec.received_at),
    model: rec.model,
    moderation_latency: null,
    native_finish_reason: rec.native_finish_reason,
    native_tokens_cached: 0,
    native_tokens_completion: native.completion,
    native_tokens_completion_images: 0,
    native_tokens_prompt: native.prompt,
    native_tokens_reasoning: native.reasoning,
    num_fetches: 0,
    num_input_audio_prompt: 0,
    num_media_completion: 0,
    num_media_prompt: 0,
    num_search_results: 0,
    origin: rec.http_referer ?? '',
    preset_id: null,
    provider_name: rec.provider,
    provider_responses: null,
    request_id: `req-${suffix}`,
    router: null,
    service_tier: null,
    session_id: rec.session_id,
    streamed: rec.streamed,
    tokens_completion: rec.counts.completion,
    tokens_prompt: rec.counts.prompt,
    total_cost: cost,
    upstream_id: `chatcmpl-${suffix}`,
    upstream_inference_cost: null,
    usage: cost,
    user_agent: rec.user_agent,
    web_search_engine: null,
  };
}
