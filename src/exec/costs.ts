// Pure: fold /generation answers into a row. The kept attempt gives cost_usd and the native
// token counts; every attempt's cost adds to spent_usd, since a failed attempt may be billed.
import Big from 'big.js';
import type { GenerationStats } from '../provider/wire.js';
import type { JobResult } from '../types/result.js';

export function applyGeneration(row: JobResult, found: Map<string, GenerationStats | null>): JobResult {
  const attempt_log = row.attempt_log.map((a) => {
    const stats = a.generation_id ? found.get(a.generation_id) : null;
    return stats ? { ...a, cost_usd: stats.total_cost } : a;
  });
  const kept = row.generation_id ? (found.get(row.generation_id) ?? null) : null;
  const withIds = attempt_log.filter((a) => a.generation_id !== null);
  // An attempt cut off before it was named may be billed too: with one, the sum is not the whole.
  const allKnown = withIds.every((a) => a.cost_usd !== null) && !attempt_log.some((a) => a.unidentified);
  // One attempt (nearly every job) is its own sum: no decimal arithmetic for it.
  const spent = !withIds.length || !allKnown ? null : withIds.length === 1 ? withIds[0]!.cost_usd : sum(withIds.map((a) => a.cost_usd as number));
  return {
    ...row,
    attempt_log,
    native_tokens_prompt: kept?.native_tokens_prompt ?? null,
    native_tokens_completion: kept?.native_tokens_completion ?? null,
    native_tokens_reasoning: kept?.native_tokens_reasoning ?? null,
    native_tokens_cached: kept?.native_tokens_cached ?? null,
    cost_usd: kept?.total_cost ?? null,
    spent_usd: spent,
    // cost_source speaks for cost_usd, the kept attempt's cost: when that attempt never streamed
    // (a final 429 after a billed failure) nothing is pending, even if spent_usd has a figure.
    cost_source: kept?.invalid !== undefined ? 'invalid' : kept && kept.total_cost !== null ? 'generation' : row.generation_id ? 'pending' : 'none',
    or_latency_ms: kept?.latency ?? null,
    or_generation_time_ms: kept?.generation_time ?? null,
    provider: row.provider ?? kept?.provider_name ?? null,
  };
}

/**
 * Sum of USD amounts in exact decimals (big.js), so float noise (0.1 + 0.2) never shows and a
 * real sub-picodollar amount is not rounded away to a made-up 0.
 */
export function sum(values: Iterable<number>): number {
  let total = new Big(0);
  for (const value of values) total = total.plus(value);
  return total.toNumber();
}
