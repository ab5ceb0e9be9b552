// Pure: fold /generation answers into a row. The kept attempt gives cost_usd and the native
// token counts; every attempt's cost adds to spent_usd, since a failed attempt may be billed.
import type { GenerationStats, JobResult } from './types.js';

export function applyGeneration(row: JobResult, found: Map<string, GenerationStats | null>): JobResult {
  const attempt_log = row.attempt_log.map((a) => {
    const stats = a.generation_id ? found.get(a.generation_id) : null;
    return stats ? { ...a, cost_usd: stats.total_cost } : a;
  });
  const kept = row.generation_id ? (found.get(row.generation_id) ?? null) : null;
  const withIds = attempt_log.filter((a) => a.generation_id !== null);
  const allKnown = withIds.every((a) => a.cost_usd !== null);
  const spent = withIds.length && allKnown ? sum(withIds.map((a) => a.cost_usd as number)) : null;
  return {
    ...row,
    attempt_log,
    native_tokens_prompt: kept?.native_tokens_prompt ?? null,
    native_tokens_completion: kept?.native_tokens_completion ?? null,
    native_tokens_reasoning: kept?.native_tokens_reasoning ?? null,
    native_tokens_cached: kept?.native_tokens_cached ?? null,
    cost_usd: kept?.total_cost ?? null,
    spent_usd: spent,
    cost_source: kept && kept.total_cost !== null ? 'generation' : row.generation_id ? 'pending' : row.cost_source,
    or_latency_ms: kept?.latency ?? null,
    or_generation_time_ms: kept?.generation_time ?? null,
    provider: row.provider ?? kept?.provider_name ?? null,
  };
}

/** Sum of USD amounts, rounded to 1e-12 so float noise (0.1 + 0.2) does not show in reports. */
export function sum(values: number[]): number {
  return Math.round(values.reduce((a, b) => a + b, 0) * 1e12) / 1e12;
}
