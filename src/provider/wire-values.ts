// The loose JSON of a chunk, typed as what it may hold, and read into values that are known or null.
import type { ApiError, StreamUsage } from './wire.js';

// The parts of a chunk we read. Nothing is trusted: OpenRouter adds, drops and nulls fields
// between versions (wire §7.5), so every value is type-checked where it is used.
export type WireChunk = { id?: unknown; model?: unknown; provider?: unknown; choices?: unknown; usage?: unknown; error?: unknown };
export type WireChoice = { index?: unknown; delta?: unknown; finish_reason?: unknown; native_finish_reason?: unknown; error?: unknown };
export type WireDelta = { content?: unknown; reasoning?: unknown; reasoning_details?: unknown; tool_calls?: unknown };
export type WireDetail = { type?: unknown; text?: unknown; summary?: unknown };
export type WireToolCall = { index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } | null };
export type WireUsage = {
  prompt_tokens?: unknown;
  completion_tokens?: unknown;
  total_tokens?: unknown;
  cost?: unknown;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
};
export type WireError = { code?: unknown; message?: unknown; metadata?: unknown };

export function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A number the server actually sent, else null: an absent count is unknown, not zero. */
export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Counts and costs are never negative: one that is is not a figure (issue 15.5: "actual $-35"). */
export function amount(value: unknown): number | null {
  const n = num(value);
  return n !== null && n >= 0 ? n : null;
}

export function toUsage(usage: WireUsage): StreamUsage {
  return {
    prompt_tokens: amount(usage.prompt_tokens),
    completion_tokens: amount(usage.completion_tokens),
    total_tokens: amount(usage.total_tokens),
    reasoning_tokens: amount(usage.completion_tokens_details?.reasoning_tokens),
    cached_tokens: amount(usage.prompt_tokens_details?.cached_tokens),
    cost: amount(usage.cost),
  };
}

/** Mid-stream errors: documented with a numeric code, shown in the docs with a string one (wire §7.4). */
export function toApiError(raw: unknown): ApiError {
  if (!isObject(raw)) return { code: null, message: String(raw), metadata: null };
  const { code, message, metadata } = raw as WireError;
  let meta: Record<string, unknown> | null = isObject(metadata) ? { ...(metadata as Record<string, unknown>) } : null;
  if (typeof code === 'string') meta = { ...meta, code };
  const text = typeof message === 'string' && message !== '' ? message : typeof code === 'string' ? code : 'error event without a message';
  return { code: num(code), message: text, metadata: meta };
}
