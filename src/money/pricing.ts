// Exact per-token cost from a /models `pricing` object (wire reference §4, §7.1). Prices are
// USD per token (per request for `request`) as decimal strings; every step uses big.js, so
// 3 × "0.00000219" is 0.00000657, not the float 0.000006570000000000001. Pure: no I/O.
import Big from 'big.js';

/** Exact prices by key (`prompt`, `completion`, `request`, `input_cache_read`, ...). A key not listed is 0. */
export type PriceMap = Record<string, Big> & { prompt: Big; completion: Big };

/** A conditional price set; every condition it has must hold for it to apply. */
export interface PriceOverride {
  /** Applies when the prompt has at least this many tokens (cached ones included). */
  min_prompt_tokens: number | null;
  /** UTC time-of-day window as minutes since midnight, start inclusive, end exclusive; wraps when start > end. */
  utc_start: number | null;
  utc_end: number | null;
  /** Only the keys the override sets; the others inherit. */
  prices: Record<string, Big>;
  discount: Big | null;
}

export interface Pricing {
  prices: PriceMap;
  /** Fraction taken off the total (0 when absent): cost × (1 − discount). */
  discount: Big;
  overrides: PriceOverride[];
}

export interface TokenCounts {
  /** Prompt tokens, cached and cache-written ones included (as OpenRouter counts them). */
  prompt: number;
  /** Completion tokens, reasoning tokens included. */
  completion: number;
  reasoning?: number;
  cache_read?: number;
  cache_write?: number;
  /** Number of API calls, for the per-request fee. Default 1. */
  requests?: number;
}

const NOT_PRICES = new Set(['discount', 'overrides', 'min_prompt_tokens', 'utc_start', 'utc_end']);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

class Unknown extends Error {}

/** Parse a `pricing` object; null when the price is unknown (missing prompt/completion, a negative sentinel, junk). */
export function pricingFrom(raw: unknown): Pricing | null {
  if (!isRecord(raw)) return null;
  try {
    const prices = priceKeys(raw);
    if (!prices.prompt || !prices.completion) return null;
    const overrides = raw.overrides === undefined || raw.overrides === null ? [] : overridesFrom(raw.overrides);
    return { prices: prices as PriceMap, discount: discountFrom(raw.discount) ?? new Big(0), overrides };
  } catch (error) {
    if (error instanceof Unknown) return null;
    throw error;
  }
}

function priceKeys(raw: Record<string, unknown>): Record<string, Big> {
  const out: Record<string, Big> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (NOT_PRICES.has(key) || value === null || value === undefined) continue;
    // Leniency for future keys that are not prices (objects, booleans): skip rather than fail.
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    out[key] = decimal(value);
  }
  return out;
}

function decimal(value: string | number): Big {
  const text = String(value).trim();
  if (!DECIMAL.test(text)) throw new Unknown();
  const big = new Big(text);
  // Negative prices are sentinels ("-1" on router models) meaning "depends on the routed model".
  if (big.lt(0)) throw new Unknown();
  return big;
}

function discountFrom(value: unknown): Big | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' && typeof value !== 'string') throw new Unknown();
  const d = decimal(value);
  if (d.gt(1)) throw new Unknown();
  return d;
}

function overridesFrom(value: unknown): PriceOverride[] {
  // An override we cannot read means we cannot tell which price applies: the pricing is unknown.
  if (!Array.isArray(value)) throw new Unknown();
  return value.map((o): PriceOverride => {
    if (!isRecord(o)) throw new Unknown();
    const min = o.min_prompt_tokens;
    if (min !== undefined && min !== null && (typeof min !== 'number' || !Number.isFinite(min))) throw new Unknown();
    return {
      min_prompt_tokens: typeof min === 'number' ? min : null,
      utc_start: hhmm(o.utc_start),
      utc_end: hhmm(o.utc_end),
      prices: priceKeys(o),
      discount: discountFrom(o.discount),
    };
  });
}

/** "0930" or 930 → 570 minutes; null when absent. "2400" is accepted as the end of the day. */
function hhmm(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'number' ? String(value).padStart(4, '0') : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d{1,2}):?(\d{2})$/.exec(text);
  if (!match) throw new Unknown();
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) throw new Unknown();
  return hours * 60 + minutes;
}

/** Does the override apply to a call with this many prompt tokens at this time? */
export function overrideApplies(o: PriceOverride, promptTokens: number, at: Date): boolean {
  if (o.min_prompt_tokens !== null && promptTokens < o.min_prompt_tokens) return false;
  if (o.utc_start === null && o.utc_end === null) return true;
  const start = o.utc_start ?? 0;
  const end = o.utc_end ?? 24 * 60;
  const t = at.getUTCHours() * 60 + at.getUTCMinutes();
  if (start === end) return true; // a window from a time to itself covers the whole day
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/** The prices and discount in force: matching overrides applied in order, so later ones win per key. */
export function effectivePricing(pricing: Pricing, promptTokens: number, at: Date): { prices: PriceMap; discount: Big } {
  let prices: PriceMap = { ...pricing.prices };
  let discount = pricing.discount;
  for (const o of pricing.overrides) {
    if (!overrideApplies(o, promptTokens, at)) continue;
    prices = { ...prices, ...o.prices };
    if (o.discount) discount = o.discount;
  }
  return { prices, discount };
}

/**
 * Exact cost in USD of `tokens` under `pricing`, at time `at` (default: now, for time-of-day overrides).
 *
 * Billing rules, following how OpenRouter counts tokens (wire reference §8.15):
 * - prompt tokens include cached and cache-written tokens, so those are carved out of the prompt
 *   and billed at `input_cache_read` / `input_cache_write` when the model prices them; when it
 *   does not, they stay at the prompt price (no discount we cannot see; never a made-up 0);
 * - completion tokens include reasoning tokens, so only when `internal_reasoning` is priced are
 *   reasoning tokens billed at it and the rest at `completion`; otherwise all at `completion`;
 * - subtractions clamp at 0, since reasoning can exceed completion in real usage (§8.15);
 * - `request` is charged per call, then the total is multiplied by (1 − discount).
 * Per-unit keys that token counts cannot express (image, web_search, audio) are not charged.
 */
export function costOf(pricing: Pricing, tokens: TokenCounts, at: Date = new Date()): Big {
  const prompt = count(tokens.prompt, 'prompt');
  const completion = count(tokens.completion, 'completion');
  const reasoning = count(tokens.reasoning ?? 0, 'reasoning');
  const cacheRead = count(tokens.cache_read ?? 0, 'cache_read');
  const cacheWrite = count(tokens.cache_write ?? 0, 'cache_write');
  const requests = count(tokens.requests ?? 1, 'requests');
  const { prices: p, discount } = effectivePricing(pricing, prompt, at);

  let total = new Big(0);
  let plainPrompt = prompt;
  if (p.input_cache_read) {
    total = total.plus(p.input_cache_read.times(cacheRead));
    plainPrompt -= cacheRead;
  }
  if (p.input_cache_write) {
    total = total.plus(p.input_cache_write.times(cacheWrite));
    plainPrompt -= cacheWrite;
  }
  total = total.plus(p.prompt.times(Math.max(0, plainPrompt)));

  if (p.internal_reasoning) {
    total = total.plus(p.internal_reasoning.times(reasoning));
    total = total.plus(p.completion.times(Math.max(0, completion - reasoning)));
  } else {
    total = total.plus(p.completion.times(completion));
  }
  if (p.request) total = total.plus(p.request.times(requests));
  return total.times(new Big(1).minus(discount));
}

/** USD per token → USD per million tokens, for display only (exact up to the float conversion). */
export function perMillion(price: Big): number {
  return price.times(1_000_000).toNumber();
}

function count(n: number, name: string): number {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`Expected \`${name}\` to be a token count of 0 or more, got ${n}`);
  return n;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
