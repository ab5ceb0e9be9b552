// GET /generation 200 body → GenerationStats. Pure and lenient: the record is `{data:{...}}`
// with dozens of fields that come and go (fixture 09 is a real body cut down to a handful), so
// each field we use is read on its own and a missing or odd one becomes null, never 0.
// Naming traps (wire §3): `usage` here is a NUMBER in USD, not a token object, and `latency` /
// `generation_time` are milliseconds.
import type { GenerationStats } from './wire.js';

export function parseGenerationBody(json: unknown): GenerationStats | null {
  if (!isRecord(json) || !isRecord(json.data)) return null;
  const data = json.data;
  // Without an id the body cannot be joined to its job; treat it as "not there yet".
  if (typeof data.id !== 'string' || data.id === '') return null;
  return {
    id: data.id,
    // `usage` is documented as the same charge ("usage amount in USD"); it stands in only when
    // `total_cost` itself is absent.
    total_cost: num(data.total_cost) ?? num(data.usage),
    native_tokens_prompt: num(data.native_tokens_prompt),
    native_tokens_completion: num(data.native_tokens_completion),
    native_tokens_reasoning: num(data.native_tokens_reasoning),
    native_tokens_cached: num(data.native_tokens_cached),
    tokens_prompt: num(data.tokens_prompt),
    tokens_completion: num(data.tokens_completion),
    latency: num(data.latency),
    generation_time: num(data.generation_time),
    provider_name: str(data.provider_name),
    model: str(data.model),
    finish_reason: str(data.finish_reason),
    native_finish_reason: str(data.native_finish_reason),
  };
}

/** A finite number, or a numeric string (some gateways quote decimals); anything else is unknown. */
function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
