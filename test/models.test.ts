// /models parsing, filters, sorts, suggestions and renderers, on our own fixture; then a
// conformance block on the real recorded listing, read in place (never copied into the repo).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { AgentLabError } from '../src/errors.js';
import { filterModels, parseModelsBody, sortModels, suggestModels, type ModelInfo } from '../src/models/list.js';
import { costOf, perMillion } from '../src/money/pricing.js';
import { MODELS_CSV_COLUMNS, renderModelDetail, renderModelsCsv, renderModelsJson, renderModelsTable } from '../src/models/table.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fixture = JSON.parse(readFileSync(resolve(repoRoot, 'test/fixtures/models-list.json'), 'utf8')) as unknown;
const models = parseModelsBody(fixture);
const byId = (id: string, list: ModelInfo[] = models): ModelInfo => {
  const m = list.find((x) => x.id === id);
  if (!m) throw new Error(`no model ${id}`);
  return m;
};
const ids = (list: ModelInfo[]) => list.map((m) => m.id);
const ALL = ['thinkers/deep-r1', 'acme/swift-1', 'acme/swift-1:free', 'openrouter/auto', 'bigco/longbrain-2', 'vision/pixel-v'];

describe('parseModelsBody', () => {
  it('keeps every entry with an id, in order, and skips the rest', () => {
    expect(ids(models)).toEqual(ALL);
  });

  it('reads the documented fields', () => {
    const m = byId('bigco/longbrain-2');
    expect(m).toMatchObject({
      canonical_slug: 'bigco/longbrain-2-20251015',
      name: 'BigCo: Longbrain 2',
      created: 1760486400,
      context_length: 1000000,
      top_provider_context_length: 200000,
      max_completion_tokens: 64000,
      is_moderated: true,
      input_modalities: ['text', 'image', 'file'],
      output_modalities: ['text'],
      tokenizer: 'Claude',
      knowledge_cutoff: '2025-03-31',
      default_parameters: { temperature: null },
      reasoning: null,
    });
    expect(m.pricing_raw?.discount).toBe(0.1);
    expect(m.pricing?.overrides).toHaveLength(2);
    expect(m.raw.benchmarks).toBeDefined();
  });

  it('tolerates missing and wrongly typed fields', () => {
    const m = byId('vision/pixel-v');
    expect(m).toMatchObject({
      canonical_slug: null, created: null, description: '', context_length: null, max_completion_tokens: null,
      tokenizer: null, default_parameters: null, input_modalities: ['image', 'text'],
    });
    expect(m.raw.some_future_field).toEqual({ nested: [1, 2, 3] });
    expect(perMillion(m.pricing!.prices.prompt)).toBe(1.25);
  });

  it('marks negative sentinel prices unknown but keeps what was sent', () => {
    const auto = byId('openrouter/auto');
    expect(auto.pricing).toBeNull();
    expect(auto.pricing_raw).toEqual({ prompt: '-1', completion: '-1' });
  });

  it('reads reasoning capabilities', () => {
    expect(byId('thinkers/deep-r1').reasoning).toEqual({
      mandatory: true, default_enabled: true, supported_efforts: ['high', 'medium', 'low'], default_effort: 'medium', supports_max_tokens: false,
    });
  });

  it('derives flags from supported_parameters and the reasoning object', () => {
    const flags = Object.fromEntries(models.map((m) => [m.id, m.flags]));
    expect(flags).toEqual({
      'thinkers/deep-r1': { reasoning: true, tools: false, structured_outputs: false },
      'acme/swift-1': { reasoning: false, tools: true, structured_outputs: true }, // response_format
      'acme/swift-1:free': { reasoning: false, tools: false, structured_outputs: false },
      'openrouter/auto': { reasoning: true, tools: true, structured_outputs: true },
      'bigco/longbrain-2': { reasoning: false, tools: true, structured_outputs: true },
      'vision/pixel-v': { reasoning: false, tools: false, structured_outputs: true },
    });
    const objectOnly = parseModelsBody({ data: [{ id: 'x/y', supported_parameters: ['max_tokens'], reasoning: { mandatory: true } }] });
    expect(objectOnly[0]!.flags.reasoning).toBe(true);
  });

  it.each([[null], [{}], [{ data: {} }], ['[]']])('throws a clear error for a body that is not a list: %j', (body) => {
    expect(() => parseModelsBody(body)).toThrow(AgentLabError);
    expect(() => parseModelsBody(body)).toThrow(/data/);
  });
});

describe('filterModels', () => {
  it('searches id, name and slug, every word', () => {
    expect(ids(filterModels(models, { search: 'swift' }))).toEqual(['acme/swift-1', 'acme/swift-1:free']);
    expect(ids(filterModels(models, { search: 'ACME free' }))).toEqual(['acme/swift-1:free']);
    expect(ids(filterModels(models, { search: '20260301' }))).toEqual(['thinkers/deep-r1']);
  });

  it('keeps free models (known and zero, never unknown)', () => {
    expect(ids(filterModels(models, { free: true }))).toEqual(['acme/swift-1:free']);
  });

  it('filters on flags and on supported parameters', () => {
    expect(ids(filterModels(models, { supports: ['tools'] }))).toEqual(['acme/swift-1', 'openrouter/auto', 'bigco/longbrain-2']);
    expect(ids(filterModels(models, { supports: ['reasoning'] }))).toEqual(['thinkers/deep-r1', 'openrouter/auto']);
    expect(ids(filterModels(models, { supports: ['seed'] }))).toEqual(['thinkers/deep-r1', 'acme/swift-1']);
    expect(ids(filterModels(models, { supports: ['tools', 'reasoning'] }))).toEqual(['openrouter/auto']);
  });

  it('filters on the per-million price, boundaries included, unknown excluded', () => {
    expect(ids(filterModels(models, { maxPriceIn: 0.5 }))).toEqual(['acme/swift-1', 'acme/swift-1:free']);
    expect(ids(filterModels(models, { maxPriceIn: 0.55 }))).toEqual(['thinkers/deep-r1', 'acme/swift-1', 'acme/swift-1:free']);
    expect(ids(filterModels(models, { maxPriceOut: 2.19 }))).toEqual(['thinkers/deep-r1', 'acme/swift-1', 'acme/swift-1:free']);
    expect(ids(filterModels(models, { maxPriceIn: 1, maxPriceOut: 1.6 }))).toEqual(['acme/swift-1', 'acme/swift-1:free']);
  });

  it('filters on context length, unknown excluded', () => {
    expect(ids(filterModels(models, { minContext: 150000 }))).toEqual(['thinkers/deep-r1', 'openrouter/auto', 'bigco/longbrain-2']);
  });

  it('keeps everything with no criteria', () => {
    expect(ids(filterModels(models, {}))).toEqual(ALL);
  });
});

describe('sortModels', () => {
  it('by price: cheapest prompt first, unknown last', () => {
    expect(ids(sortModels(models, 'price'))).toEqual([
      'acme/swift-1:free', 'acme/swift-1', 'thinkers/deep-r1', 'vision/pixel-v', 'bigco/longbrain-2', 'openrouter/auto',
    ]);
  });

  it('by context: largest first, unknown last', () => {
    expect(ids(sortModels(models, 'context'))).toEqual([
      'openrouter/auto', 'bigco/longbrain-2', 'thinkers/deep-r1', 'acme/swift-1', 'acme/swift-1:free', 'vision/pixel-v',
    ]);
  });

  it('by name', () => {
    expect(sortModels(models, 'name').map((m) => m.name)).toEqual([
      'Acme: Swift 1', 'Acme: Swift 1 (free)', 'Auto Router', 'BigCo: Longbrain 2', 'Thinkers: Deep R1', 'Vision: Pixel V',
    ]);
  });

  it('by newest: ties broken by id, unknown last', () => {
    expect(ids(sortModels(models, 'newest'))).toEqual([
      'thinkers/deep-r1', 'bigco/longbrain-2', 'acme/swift-1', 'acme/swift-1:free', 'openrouter/auto', 'vision/pixel-v',
    ]);
  });

  it('returns a copy', () => {
    sortModels(models, 'price');
    expect(ids(models)).toEqual(ALL);
  });
});

describe('suggestModels', () => {
  const all = ids(models);
  it('finds typos by edit distance', () => {
    expect(suggestModels('acme/swift1', all)).toEqual(['acme/swift-1']);
    expect(suggestModels('bigco/longbrian-2', all)).toEqual(['bigco/longbrain-2']);
  });
  it('finds the name part under another author, by prefix or substring', () => {
    expect(suggestModels('openai/longbrain', all)).toEqual(['bigco/longbrain-2']);
    expect(suggestModels('pixel', all)).toEqual(['vision/pixel-v']);
  });
  it('ranks prefix matches first and honours n', () => {
    expect(suggestModels('swift', all)).toEqual(['acme/swift-1', 'acme/swift-1:free']);
    expect(suggestModels('swift', all, 1)).toEqual(['acme/swift-1']);
  });
  it('suggests nothing for something unrelated', () => {
    expect(suggestModels('zzzz/qqqqqqqq', all)).toEqual([]);
  });
});

describe('renderers', () => {
  const cells = (table: string, id: string) => table.split('\n').find((l) => l.startsWith(`${id} `))!.split(/\s{2,}/);

  it('table: per-million prices, ? for unknown, free for zero, * for overrides, flags', () => {
    const table = renderModelsTable(models);
    expect(table.split('\n')[0]!.split(/\s{2,}/)).toEqual(['id', 'name', 'context', 'max out', '$/M in', '$/M out', 'modalities', 'flags']);
    expect(cells(table, 'acme/swift-1')).toEqual(['acme/swift-1', 'Acme: Swift 1', '131072', '16384', '0.4', '1.6', 'text+image->text', '- T S']);
    expect(cells(table, 'acme/swift-1:free').slice(4, 6)).toEqual(['free', 'free']);
    expect(cells(table, 'openrouter/auto')).toEqual(['openrouter/auto', 'Auto Router', '2000000', '-', '?', '?', 'text+image->text', 'R T S']);
    expect(cells(table, 'bigco/longbrain-2').slice(4, 6)).toEqual(['3*', '15*']);
    expect(cells(table, 'thinkers/deep-r1').slice(4)).toEqual(['0.55', '2.19', 'text->text', 'R - -']);
    expect(cells(table, 'vision/pixel-v').slice(2, 6)).toEqual(['-', '-', '1.25', '10']);
    expect(table).toContain('6 model(s)');
    expect(table).toContain('* other prices apply');
  });

  it('CSV parses back with the pinned columns and exact decimals', () => {
    const rows = parseCsv(renderModelsCsv(models), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...MODELS_CSV_COLUMNS]);
    expect(rows.map((r) => r.id)).toEqual(ALL);
    const row = (id: string) => rows.find((r) => r.id === id)!;
    expect(row('acme/swift-1')).toMatchObject({
      prompt: '0.0000004', completion: '0.0000016', prompt_per_m: '0.4', completion_per_m: '1.6', request: '0',
      input_cache_read: '0.0000001', pricing_known: 'true', tools: 'true', structured_outputs: 'true', reasoning: 'false',
      input_modalities: 'text image', supported_parameters: 'max_tokens response_format seed temperature tool_choice tools top_p',
    });
    expect(row('openrouter/auto')).toMatchObject({ pricing_known: 'false', prompt: '', prompt_per_m: '', request: '', discount: '' });
    expect(row('bigco/longbrain-2')).toMatchObject({ discount: '0.1', request: '0.0005', input_cache_write: '0.00000375' });
    expect(JSON.parse(row('bigco/longbrain-2').overrides!)).toHaveLength(2);
    expect(row('thinkers/deep-r1')).toMatchObject({ internal_reasoning: '0.000001', created: '1772323200' });
    expect(row('vision/pixel-v')).toMatchObject({ created: '', context_length: '', canonical_slug: '' });
  });

  it('JSON keeps the pricing as sent and adds per-million numbers', () => {
    const out = JSON.parse(renderModelsJson(models)) as Record<string, unknown>[];
    expect(out.map((m) => m.id)).toEqual(ALL);
    expect(out[1]).toMatchObject({
      id: 'acme/swift-1', usd_per_million: { prompt: 0.4, completion: 1.6 }, pricing_known: true,
      pricing: { prompt: '0.0000004', completion: '0.0000016', web_search: '0.01', input_cache_read: '0.0000001' },
      flags: { reasoning: false, tools: true, structured_outputs: true },
    });
    expect(out[3]).toMatchObject({ id: 'openrouter/auto', usd_per_million: null, pricing_known: false, pricing: { prompt: '-1' } });
  });

  it('detail: every price key, per token and per million, overrides, discount, parameters', () => {
    const text = renderModelDetail(byId('bigco/longbrain-2'));
    const line = (start: string) => text.split('\n').find((l) => l.trim().startsWith(start))?.trim().split(/\s{2,}/);
    expect(line('prompt ')).toEqual(['prompt', '0.000003', '3']);
    expect(line('completion')).toEqual(['completion', '0.000015', '15']);
    expect(line('request')).toEqual(['request', '0.0005', 'per request']);
    expect(line('input_cache_read')).toEqual(['input_cache_read', '0.0000003', '0.3']);
    expect(line('input_cache_write')).toEqual(['input_cache_write', '0.00000375', '3.75']);
    expect(text).toContain('discount: 10% off the total');
    expect(text).toContain('override 1: when prompt ≥ 200000 tokens');
    expect(text).toContain('override 2: when 22:00–06:00 UTC');
    expect(text).toMatch(/completion\s+0\.0000225\s+22\.5/);
    expect(text).toMatch(/top provider context:\s+200000/);
    expect(text).toMatch(/max output tokens:\s+64000/);
    expect(text).toContain('supported parameters: max_tokens, stop, structured_outputs, temperature, tool_choice, tools');
    expect(text).toContain('default parameters: temperature=null');
    expect(text).toContain('An invented long-context model');
  });

  it('detail: reasoning capabilities, unknown and free prices', () => {
    const r1 = renderModelDetail(byId('thinkers/deep-r1'));
    expect(r1).toContain('reasoning: mandatory yes, enabled by default yes, efforts high, medium, low (default medium), max_tokens budget no');
    expect(r1).toMatch(/internal_reasoning\s+0\.000001\s+1\n/);
    const auto = renderModelDetail(byId('openrouter/auto'));
    expect(auto).toContain('unknown');
    expect(auto).toContain('"prompt":"-1"');
    expect(auto).not.toMatch(/\b0\.0+\b/);
    expect(renderModelDetail(byId('acme/swift-1:free'))).toMatch(/prompt\s+0\s+free/);
    expect(renderModelDetail(byId('vision/pixel-v'))).toMatch(/created:\s+\?/);
  });
});

const recorded = resolve(repoRoot, '../shared/fixtures/openrouter/08-models-list.body.json');
const exists = existsSync(recorded);
if (!exists) console.log('models conformance: ../shared/fixtures/openrouter not found — skipped (recorded OpenRouter traffic lives outside the repo)');

describe.skipIf(!exists)('conformance: recorded /models listing (08-models-list)', () => {
  const real = () => parseModelsBody(JSON.parse(readFileSync(recorded, 'utf8')) as unknown);
  // Per-million prices as read from the file (per-token strings × 1e6).
  const EXPECTED: Record<string, Record<string, number>> = {
    'anthropic/claude-sonnet-4': { prompt: 3, completion: 15, web_search: 10_000, input_cache_read: 0.3, input_cache_write: 3.75, input_cache_write_1h: 6 },
    'openai/gpt-4.1-mini': { prompt: 0.4, completion: 1.6, web_search: 10_000, input_cache_read: 0.1 },
    'openai/gpt-4o': { prompt: 2.5, completion: 10, input_cache_read: 1.25 },
    'openai/gpt-3.5-turbo': { prompt: 0.5, completion: 1.5 },
  };

  it('parses every model with known pricing', () => {
    const list = real();
    expect(ids(list)).toEqual(Object.keys(EXPECTED));
    for (const m of list) expect(m.pricing, m.id).not.toBeNull();
  });

  it('has the exact per-million prices of each model, and no other keys', () => {
    for (const m of real()) {
      const got = Object.fromEntries(Object.entries(m.pricing!.prices).map(([k, v]) => [k, perMillion(v)]));
      expect(got, m.id).toEqual(EXPECTED[m.id]);
      expect(m.pricing!.discount.toFixed(), m.id).toBe('0');
    }
  });

  it('reads the long-context override of claude-sonnet-4 and bills by it', () => {
    const sonnet = byId('anthropic/claude-sonnet-4', real());
    expect(sonnet.pricing!.overrides).toHaveLength(1);
    const o = sonnet.pricing!.overrides[0]!;
    expect(o.min_prompt_tokens).toBe(200000);
    expect(Object.fromEntries(Object.entries(o.prices).map(([k, v]) => [k, perMillion(v)]))).toEqual({
      prompt: 6, completion: 22.5, input_cache_read: 0.6, input_cache_write: 7.5, input_cache_write_1h: 12,
    });
    // 100000 × 0.000003 + 1000 × 0.000015 = 0.3 + 0.015; 250000 × 0.000006 + 1000 × 0.0000225 = 1.5 + 0.0225
    expect(costOf(sonnet.pricing!, { prompt: 100000, completion: 1000 }).toFixed()).toBe('0.315');
    expect(costOf(sonnet.pricing!, { prompt: 250000, completion: 1000 }).toFixed()).toBe('1.5225');
    for (const m of real().filter((x) => x.id !== sonnet.id)) expect(m.pricing!.overrides, m.id).toEqual([]);
  });

  it('derives the flags and limits as listed', () => {
    const list = real();
    expect(Object.fromEntries(list.map((m) => [m.id, m.flags]))).toEqual({
      'anthropic/claude-sonnet-4': { reasoning: true, tools: true, structured_outputs: false },
      'openai/gpt-4.1-mini': { reasoning: false, tools: true, structured_outputs: true },
      'openai/gpt-4o': { reasoning: false, tools: true, structured_outputs: true },
      'openai/gpt-3.5-turbo': { reasoning: false, tools: true, structured_outputs: true },
    });
    const sonnet = byId('anthropic/claude-sonnet-4', list);
    expect(sonnet).toMatchObject({ context_length: 1000000, top_provider_context_length: 200000, max_completion_tokens: 64000, tokenizer: 'Claude' });
    expect(sonnet.reasoning).toEqual({ mandatory: false, default_enabled: null, supported_efforts: [], default_effort: null, supports_max_tokens: null });
    expect(byId('openai/gpt-4o', list).reasoning).toBeNull();
  });

  it('renders without loss', () => {
    const list = real();
    const rows = parseCsv(renderModelsCsv(list), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.id, r.prompt_per_m, r.completion_per_m])).toEqual([
      ['anthropic/claude-sonnet-4', '3', '15'],
      ['openai/gpt-4.1-mini', '0.4', '1.6'],
      ['openai/gpt-4o', '2.5', '10'],
      ['openai/gpt-3.5-turbo', '0.5', '1.5'],
    ]);
    expect(renderModelsTable(list)).toContain('3*');
    expect(renderModelDetail(byId('openai/gpt-4.1-mini', list))).toMatch(/web_search\s+0\.01\s+per search/);
  });
});
