// Pure renderers for `agent-lab models`. Exact per-token prices shown per million; unknown is `?`, never a made-up 0.
import type Big from 'big.js';
import { stringify } from 'csv-stringify/sync';
import type { ModelInfo } from './list.js';
import type { PriceOverride } from '../money/pricing.js';
import { formatTable, type Column } from '../render/format-table.js';

const COLUMNS: Column[] = [
  { header: 'id' },
  { header: 'name' },
  { header: 'context', align: 'right' },
  { header: 'max out', align: 'right' },
  { header: '$/M in', align: 'right' },
  { header: '$/M out', align: 'right' },
  { header: 'modalities' },
  { header: 'flags' },
];

/** Price keys billed per unit rather than per token: a per-million figure means nothing for them. */
const PER_UNIT: Record<string, string> = { request: 'per request', web_search: 'per search', image: 'per image' };

/** A plain decimal (no exponent). */
const millionText = (price: Big): string => price.times(1_000_000).toFixed();
const cellPrice = (price: Big | undefined): string => (price === undefined ? '?' : price.eq(0) ? 'free' : millionText(price));
const modalities = (m: ModelInfo) => `${m.input_modalities.join('+') || '?'}->${m.output_modalities.join('+') || '?'}`;
const flags = (m: ModelInfo) => [m.flags.reasoning ? 'R' : '-', m.flags.tools ? 'T' : '-', m.flags.structured_outputs ? 'S' : '-'].join(' ');

export function renderModelsTable(models: readonly ModelInfo[]): string {
  const rows = models.map((m) => {
    // `*`: the base price shown is not the whole story (long-context or time-of-day prices).
    const mark = m.pricing?.overrides.length ? '*' : '';
    return [
      m.id,
      m.name,
      m.context_length,
      m.max_completion_tokens,
      cellPrice(m.pricing?.prices.prompt) + mark,
      cellPrice(m.pricing?.prices.completion) + mark,
      modalities(m),
      flags(m),
    ];
  });
  const notes = [`${models.length} model(s). flags: R reasoning, T tools, S structured outputs; ? unknown price.`];
  if (models.some((m) => m.pricing?.overrides.length)) notes.push('* other prices apply to long prompts or some hours; see `agent-lab models <id>`.');
  return formatTable(COLUMNS, rows) + notes.map((n) => `${n}\n`).join('');
}

/** Stable column order: a contract for scripts reading the CSV. */
export const MODELS_CSV_COLUMNS = [
  'id', 'name', 'canonical_slug', 'created', 'context_length', 'max_completion_tokens',
  'input_modalities', 'output_modalities', 'tokenizer', 'pricing_known',
  'prompt_per_m', 'completion_per_m', 'prompt', 'completion', 'request',
  'input_cache_read', 'input_cache_write', 'internal_reasoning', 'discount', 'overrides',
  'reasoning', 'tools', 'structured_outputs', 'supported_parameters',
] as const;

/** Prices per token unless `_per_m`; unknown is an empty cell. */
export function renderModelsCsv(models: readonly ModelInfo[]): string {
  const records = models.map((m) => {
    const p = m.pricing;
    // With known pricing a missing key really is 0 (the API omits zero-valued keys).
    const key = (k: string) => (p ? (p.prices[k]?.toFixed() ?? '0') : '');
    const cells: Record<(typeof MODELS_CSV_COLUMNS)[number], string | number> = {
      id: m.id,
      name: m.name,
      canonical_slug: m.canonical_slug ?? '',
      created: m.created ?? '',
      context_length: m.context_length ?? '',
      max_completion_tokens: m.max_completion_tokens ?? '',
      input_modalities: m.input_modalities.join(' '),
      output_modalities: m.output_modalities.join(' '),
      tokenizer: m.tokenizer ?? '',
      pricing_known: String(p !== null),
      prompt_per_m: p ? millionText(p.prices.prompt) : '',
      completion_per_m: p ? millionText(p.prices.completion) : '',
      prompt: key('prompt'),
      completion: key('completion'),
      request: key('request'),
      input_cache_read: key('input_cache_read'),
      input_cache_write: key('input_cache_write'),
      internal_reasoning: key('internal_reasoning'),
      discount: p ? p.discount.toFixed() : '',
      overrides: p?.overrides.length ? JSON.stringify(m.pricing_raw?.overrides ?? []) : '',
      reasoning: String(m.flags.reasoning),
      tools: String(m.flags.tools),
      structured_outputs: String(m.flags.structured_outputs),
      supported_parameters: m.supported_parameters.join(' '),
    };
    return MODELS_CSV_COLUMNS.map((c) => cells[c]);
  });
  return stringify([[...MODELS_CSV_COLUMNS], ...records]);
}

export function renderModelsJson(models: readonly ModelInfo[]): string {
  const out = models.map((m) => ({
    id: m.id,
    canonical_slug: m.canonical_slug,
    name: m.name,
    created: m.created,
    description: m.description,
    context_length: m.context_length,
    max_completion_tokens: m.max_completion_tokens,
    input_modalities: m.input_modalities,
    output_modalities: m.output_modalities,
    tokenizer: m.tokenizer,
    pricing: m.pricing_raw,
    pricing_known: m.pricing !== null,
    usd_per_million: m.pricing
      ? { prompt: Number(millionText(m.pricing.prices.prompt)), completion: Number(millionText(m.pricing.prices.completion)) }
      : null,
    flags: m.flags,
    supported_parameters: m.supported_parameters,
    default_parameters: m.default_parameters,
    reasoning: m.reasoning,
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}

export function renderModelDetail(m: ModelInfo): string {
  const lines: string[] = [`${m.id}  ${m.name}`];
  const field = (label: string, value: string | number | null) => lines.push(`  ${`${label}:`.padEnd(22)}${value ?? '?'}`);
  field('canonical slug', m.canonical_slug);
  field('created', m.created === null ? null : new Date(m.created * 1000).toISOString().slice(0, 10));
  field('context length', m.context_length);
  field('top provider context', m.top_provider_context_length);
  field('max output tokens', m.max_completion_tokens);
  field('moderated', m.is_moderated === null ? null : m.is_moderated ? 'yes' : 'no');
  field('modalities', modalities(m));
  field('tokenizer', m.tokenizer);
  field('knowledge cutoff', m.knowledge_cutoff);
  if (m.description) lines.push('', ...wrap(m.description, 96).map((l) => `  ${l}`));

  lines.push('', 'pricing (USD)');
  const p = m.pricing;
  if (!p) {
    lines.push('  unknown: no usable prompt/completion price (a negative value means "depends on the routed model")');
    if (m.pricing_raw) lines.push(`  as listed: ${JSON.stringify(m.pricing_raw)}`);
  } else {
    lines.push(...indent(priceTable(p.prices)));
    lines.push('  keys not listed are 0 (the API omits zero-valued prices)');
    lines.push(`  discount: ${p.discount.eq(0) ? 'none' : `${p.discount.times(100).toFixed()}% off the total`}`);
    if (p.overrides.length) lines.push('  overrides, applied in order (a later one wins; keys it does not list are inherited):');
    p.overrides.forEach((o, i) => {
      lines.push(`  override ${i + 1}: ${condition(o)}`);
      lines.push(...indent(priceTable(o.prices), 4));
      if (o.discount) lines.push(`    discount: ${o.discount.times(100).toFixed()}%`);
    });
  }

  lines.push('', `flags: ${flags(m)}  (R reasoning, T tools, S structured outputs)`);
  lines.push(`supported parameters: ${m.supported_parameters.join(', ') || 'none listed'}`);
  const defaults = Object.entries(m.default_parameters ?? {});
  lines.push(`default parameters: ${defaults.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') || 'none'}`);
  const r = m.reasoning;
  if (r) {
    const yn = (b: boolean | null) => (b === null ? '?' : b ? 'yes' : 'no');
    const efforts = r.supported_efforts.length ? r.supported_efforts.join(', ') : '?';
    lines.push(`reasoning: mandatory ${yn(r.mandatory)}, enabled by default ${yn(r.default_enabled)}, efforts ${efforts}` +
      ` (default ${r.default_effort ?? '?'}), max_tokens budget ${yn(r.supports_max_tokens)}`);
  } else {
    lines.push('reasoning: no capabilities listed (no `reasoning` object)');
  }
  return `${lines.join('\n')}\n`;
}

function priceTable(prices: Record<string, Big>): string[] {
  const rows = Object.entries(prices).map(([key, price]) => [
    key,
    price.toFixed(),
    PER_UNIT[key] ?? (price.eq(0) ? 'free' : millionText(price)),
  ]);
  return formatTable([{ header: 'key' }, { header: 'per token/unit', align: 'right' }, { header: 'per million', align: 'right' }], rows)
    .trimEnd()
    .split('\n');
}

function condition(o: PriceOverride): string {
  const parts: string[] = [];
  if (o.min_prompt_tokens !== null) parts.push(`prompt ≥ ${o.min_prompt_tokens} tokens`);
  const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
  if (o.utc_start !== null || o.utc_end !== null) parts.push(`${hhmm(o.utc_start ?? 0)}–${hhmm(o.utc_end ?? 1440)} UTC`);
  return parts.length ? `when ${parts.join(' and ')}` : 'always';
}

const indent = (lines: string[], n = 2) => lines.map((l) => `${' '.repeat(n)}${l}`);

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        out.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) out.push(line);
  }
  return out;
}
