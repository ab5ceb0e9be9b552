// Pure: /models → ModelInfo, filters, sorts. Lenient on purpose (wire reference §7.5, §8.19): the
// listing grows new fields often, so an odd field falls back to null/[] instead of failing.
import type Big from 'big.js';
import { distance } from 'fastest-levenshtein';
import * as z from 'zod';
import { AgentLabError, EXIT } from '../errors.js';
import { pricingFrom, type Pricing } from '../money/pricing.js';

/** `reasoning` object of a model (wire reference §1.6); null fields were absent. */
export interface ReasoningInfo {
  mandatory: boolean | null;
  default_enabled: boolean | null;
  supported_efforts: string[];
  default_effort: string | null;
  supports_max_tokens: boolean | null;
}

export interface ModelFlags {
  reasoning: boolean;
  tools: boolean;
  structured_outputs: boolean;
}

export interface ModelInfo {
  id: string;
  /** Permanent dated slug; what the stream's `model` field reports. */
  canonical_slug: string | null;
  name: string;
  /** Unix seconds. */
  created: number | null;
  description: string;
  /** Model-level maximum; can exceed the top provider's. */
  context_length: number | null;
  max_completion_tokens: number | null;
  top_provider_context_length: number | null;
  is_moderated: boolean | null;
  input_modalities: string[];
  output_modalities: string[];
  tokenizer: string | null;
  /** Parsed prices; null when unknown (negative sentinels, missing keys, junk). */
  pricing: Pricing | null;
  pricing_raw: Record<string, unknown> | null;
  supported_parameters: string[];
  default_parameters: Record<string, unknown> | null;
  knowledge_cutoff: string | null;
  reasoning: ReasoningInfo | null;
  flags: ModelFlags;
  raw: Record<string, unknown>;
}

// `.catch` turns a wrongly typed field into the fallback instead of an error.
const str = z.string().nullable().optional().catch(null);
const num = z.number().nullable().optional().catch(null);
const bool = z.boolean().nullable().optional().catch(null);
const strings = z.array(z.unknown()).optional().catch([]).transform((a) => (a ?? []).filter((s): s is string => typeof s === 'string'));
const record = z.record(z.string(), z.unknown()).nullable().optional().catch(null);

const ModelEntry = z.looseObject({
  id: z.string().min(1),
  canonical_slug: str,
  name: str,
  created: num,
  description: str,
  context_length: num,
  knowledge_cutoff: str,
  architecture: z.looseObject({ input_modalities: strings, output_modalities: strings, tokenizer: str }).nullable().optional().catch(null),
  top_provider: z.looseObject({ context_length: num, max_completion_tokens: num, is_moderated: bool }).nullable().optional().catch(null),
  pricing: record,
  supported_parameters: strings,
  default_parameters: record,
  reasoning: z.looseObject({ mandatory: bool, default_enabled: bool, supported_efforts: strings, default_effort: str, supports_max_tokens: bool }).nullable().optional().catch(null),
});

export function parseModelsBody(json: unknown): ModelInfo[] {
  const data = typeof json === 'object' && json !== null ? (json as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) {
    throw new AgentLabError('The /models response is not a model list (expected a JSON object with a `data` array)', EXIT.jobs_failed);
  }
  const models: ModelInfo[] = [];
  for (const entry of data) {
    const parsed = ModelEntry.safeParse(entry);
    if (parsed.success) models.push(toModelInfo(parsed.data, entry as Record<string, unknown>));
  }
  return models;
}

function toModelInfo(m: z.infer<typeof ModelEntry>, raw: Record<string, unknown>): ModelInfo {
  const params = m.supported_parameters;
  const reasoning = m.reasoning
    ? {
        mandatory: m.reasoning.mandatory ?? null,
        default_enabled: m.reasoning.default_enabled ?? null,
        supported_efforts: m.reasoning.supported_efforts,
        default_effort: m.reasoning.default_effort ?? null,
        supports_max_tokens: m.reasoning.supports_max_tokens ?? null,
      }
    : null;
  return {
    id: m.id,
    canonical_slug: m.canonical_slug ?? null,
    name: m.name ?? m.id,
    created: m.created ?? null,
    description: m.description ?? '',
    context_length: m.context_length ?? null,
    max_completion_tokens: m.top_provider?.max_completion_tokens ?? null,
    top_provider_context_length: m.top_provider?.context_length ?? null,
    is_moderated: m.top_provider?.is_moderated ?? null,
    input_modalities: m.architecture?.input_modalities ?? [],
    output_modalities: m.architecture?.output_modalities ?? [],
    tokenizer: m.architecture?.tokenizer ?? null,
    pricing: pricingFrom(m.pricing),
    pricing_raw: m.pricing ?? null,
    supported_parameters: params,
    default_parameters: m.default_parameters ?? null,
    knowledge_cutoff: m.knowledge_cutoff ?? null,
    reasoning,
    flags: {
      reasoning: params.includes('reasoning') || params.includes('include_reasoning') || reasoning !== null,
      tools: params.includes('tools'),
      structured_outputs: params.includes('structured_outputs') || params.includes('response_format'),
    },
    raw,
  };
}

export interface ModelFilter {
  /** Every word must occur in the id, name or canonical slug. */
  search?: string;
  free?: boolean;
  /** `reasoning`, `tools` and `structured_outputs` test the flags; other names the supported parameters. */
  supports?: string[];
  /** USD per million tokens; unknown prices never match. */
  maxPriceIn?: number;
  maxPriceOut?: number;
  minContext?: number;
}

const FLAG_NAMES = new Set<string>(['reasoning', 'tools', 'structured_outputs']);

export function isFree(m: ModelInfo): boolean {
  const p = m.pricing?.prices;
  return !!p && p.prompt.eq(0) && p.completion.eq(0) && (!p.request || p.request.eq(0));
}

export function filterModels(models: readonly ModelInfo[], f: ModelFilter): ModelInfo[] {
  const words = (f.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const underMillion = (price: Big | undefined, max: number | undefined) =>
    max === undefined || (price !== undefined && price.times(1_000_000).lte(max));
  return models.filter((m) => {
    const haystack = `${m.id} ${m.name} ${m.canonical_slug ?? ''}`.toLowerCase();
    if (!words.every((w) => haystack.includes(w))) return false;
    if (f.free && !isFree(m)) return false;
    for (const name of f.supports ?? []) {
      const ok = FLAG_NAMES.has(name) ? m.flags[name as keyof ModelFlags] : m.supported_parameters.includes(name);
      if (!ok) return false;
    }
    if (!underMillion(m.pricing?.prices.prompt, f.maxPriceIn)) return false;
    if (!underMillion(m.pricing?.prices.completion, f.maxPriceOut)) return false;
    if (f.minContext !== undefined && (m.context_length === null || m.context_length < f.minContext)) return false;
    return true;
  });
}

export const SORT_KEYS = ['price', 'context', 'name', 'newest'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** A sorted copy; unknowns last, ties by id. */
export function sortModels(models: readonly ModelInfo[], key: SortKey): ModelInfo[] {
  const byId = (a: ModelInfo, b: ModelInfo) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const desc = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b - a);
  const compare: Record<SortKey, (a: ModelInfo, b: ModelInfo) => number> = {
    price: (a, b) => {
      if (!a.pricing || !b.pricing) return a.pricing ? -1 : b.pricing ? 1 : 0;
      return a.pricing.prices.prompt.cmp(b.pricing.prices.prompt) || a.pricing.prices.completion.cmp(b.pricing.prices.completion);
    },
    context: (a, b) => desc(a.context_length, b.context_length),
    name: (a, b) => a.name.localeCompare(b.name, 'en'),
    newest: (a, b) => desc(a.created, b.created),
  };
  return [...models].sort((a, b) => compare[key](a, b) || byId(a, b));
}

/** Ids whose name part (after the slash) starts with or contains the typed one first, then the nearest by edit distance. */
export function suggestModels(slug: string, ids: readonly string[], n = 3): string[] {
  const query = slug.trim().toLowerCase();
  const tail = (s: string) => s.slice(s.indexOf('/') + 1);
  const qTail = tail(query);
  const scored = ids.map((id) => {
    const lower = id.toLowerCase();
    const t = tail(lower);
    const rank = !qTail ? 2 : t.startsWith(qTail) ? 0 : t.includes(qTail) ? 1 : 2;
    const d = Math.min(distance(query, lower), distance(qTail, t));
    return { id, rank, d };
  });
  const limit = Math.max(3, Math.ceil(qTail.length * 0.4));
  return scored
    .filter((s) => s.rank < 2 || s.d <= limit)
    .sort((a, b) => a.rank - b.rank || a.d - b.d || a.id.localeCompare(b.id, 'en'))
    .slice(0, n)
    .map((s) => s.id);
}
