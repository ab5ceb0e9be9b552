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
  // Money and token counts must be what they say: one that is present yet negative or not a
  // number makes the whole record suspect (a cost of -5 must never reach a total).
  const bad: string[] = [];
  const figure = (field: string): number | null => {
    const value = data[field];
    const parsed = num(value);
    if (parsed !== null && parsed >= 0) return parsed;
    if (value !== null && value !== undefined && value !== '') bad.push(`${field} ${JSON.stringify(value)?.slice(0, 40)}`);
    return null;
  };
  // `usage` is documented as the same charge ("usage amount in USD"); it stands in only when
  // `total_cost` itself is absent. A usage *object* is the chat shape, not a cost: ignored.
  const total_cost = data.total_cost !== undefined && data.total_cost !== null ? figure('total_cost') : isRecord(data.usage) ? null : figure('usage');
  const stats: GenerationStats = {
    id: data.id,
    total_cost,
    native_tokens_prompt: figure('native_tokens_prompt'),
    native_tokens_completion: figure('native_tokens_completion'),
    native_tokens_reasoning: figure('native_tokens_reasoning'),
    native_tokens_cached: figure('native_tokens_cached'),
    tokens_prompt: figure('tokens_prompt'),
    tokens_completion: figure('tokens_completion'),
    latency: duration(data.latency),
    generation_time: duration(data.generation_time),
    provider_name: str(data.provider_name),
    model: str(data.model),
    finish_reason: str(data.finish_reason),
    native_finish_reason: str(data.native_finish_reason),
  };
  return bad.length === 0 ? stats : { ...stats, ...NO_FIGURES, invalid: bad.join(', ') };
}

const NO_FIGURES = { total_cost: null, native_tokens_prompt: null, native_tokens_completion: null, native_tokens_reasoning: null, native_tokens_cached: null, tokens_prompt: null, tokens_completion: null };

/** The record of an answer that is no record at all (a 200 without data): nothing from it is used. */
export function invalidRecord(id: string, why: string): GenerationStats {
  const none = { latency: null, generation_time: null, provider_name: null, model: null, finish_reason: null, native_finish_reason: null };
  return { id, ...NO_FIGURES, ...none, invalid: why };
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

/** Timings are reported, not billed: an odd one is unknown rather than a reason to drop the record. */
function duration(value: unknown): number | null {
  const parsed = num(value);
  return parsed !== null && parsed >= 0 ? parsed : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
