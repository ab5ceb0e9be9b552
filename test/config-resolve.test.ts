// Precedence, pinned: params config < suite < model < task < CLI (objects merge, null unsets),
// and settings defaults < config file < environment < suite < flags.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadSuite, type LoadedSuite } from '../src/config/load.js';
import { DEFAULT_MAX_TOKENS, jobParams, mergeParams, resolveSuite } from '../src/config/resolve.js';
import { resolveSettings } from '../src/config/settings.js';
import { ConfigSchema, SuiteSchema, type ConfigInput } from '../src/config/schema.js';
import { ConfigError } from '../src/errors.js';
import { readTasks } from './helpers/tasks.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function loaded(suite: unknown, files: Record<string, string> = {}): LoadedSuite {
  return { path: '/suites/s.yaml', dir: '/suites', sha256: 'abc', suite: SuiteSchema.parse(suite), files };
}
const config = (input: ConfigInput = {}) => ConfigSchema.parse(input);

describe('mergeParams', () => {
  it('lets a later layer win, replacing scalars and arrays', () => {
    expect(mergeParams({ temperature: 1, stop: ['a', 'b'], seed: 1 }, { temperature: 0, stop: ['c'] })).toEqual({ temperature: 0, stop: ['c'], seed: 1 });
    expect(mergeParams({ stop: ['a'] }, { stop: 'END' })).toEqual({ stop: 'END' });
  });

  it('merges plain objects key by key, at any depth', () => {
    const merged = mergeParams(
      { provider: { order: ['anthropic'], allow_fallbacks: false, max_price: { prompt: 1 } } },
      { provider: { order: ['google-vertex'], max_price: { completion: 5 } } },
    );
    expect(merged).toEqual({ provider: { order: ['google-vertex'], allow_fallbacks: false, max_price: { prompt: 1, completion: 5 } } });
  });

  it('removes a key a later layer sets to null, at any depth, and never returns a null', () => {
    expect(mergeParams({ temperature: 1, seed: 2 }, { seed: null })).toEqual({ temperature: 1 });
    expect(mergeParams({ reasoning: { effort: 'high', exclude: true } }, { reasoning: { effort: null, max_tokens: 2000 } })).toEqual({
      reasoning: { exclude: true, max_tokens: 2000 },
    });
    expect(mergeParams({ temperature: null, provider: { order: null, zdr: true } })).toEqual({ provider: { zdr: true } });
    expect(mergeParams({ provider: { order: ['a'] } }, { provider: null }, { provider: { zdr: true } })).toEqual({ provider: { zdr: true } });
  });

  it('skips missing layers and does not change its inputs', () => {
    const base = { provider: { order: ['a'] }, stop: ['x'] };
    const snapshot = structuredClone(base);
    const merged = mergeParams(undefined, base, undefined, { provider: { zdr: true } });
    expect(merged).toEqual({ provider: { order: ['a'], zdr: true }, stop: ['x'] });
    expect(base).toEqual(snapshot);
    (merged.provider as { order: string[] }).order.push('b');
    expect(base.provider.order).toEqual(['a']);
  });

  it('keeps a `__proto__` key from YAML as a plain key', () => {
    const layer = JSON.parse('{"__proto__": {"polluted": true}, "temperature": 0}') as Record<string, unknown>;
    const merged = mergeParams({ seed: 1 }, layer);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['seed', '__proto__', 'temperature']);
  });
});

describe('params precedence across the five layers', () => {
  const suite = {
    name: 's',
    params: { temperature: 0.5, provider: { allow_fallbacks: false }, stop: ['###'] },
    models: [{ id: 'a/b', params: { temperature: 0.2, reasoning: { effort: null, max_tokens: 3000 } } }, 'c/d'],
    tasks: [
      { id: 't', prompt: 'hi', params: { seed: null, provider: { order: ['deepinfra'] }, stop: null } },
      { id: 'u', prompt: 'bye' },
    ],
  };
  const cfg = config({ params: { temperature: 1, seed: 1, provider: { order: ['anthropic'], data_collection: 'deny' }, reasoning: { effort: 'low' } } });
  const resolved = resolveSuite(loaded(suite), cfg);

  it('builds the base from config < suite', () => {
    expect(resolved.baseParams).toEqual({
      temperature: 0.5,
      seed: 1,
      provider: { order: ['anthropic'], data_collection: 'deny', allow_fallbacks: false },
      reasoning: { effort: 'low' },
      stop: ['###'],
    });
  });

  it('applies model < task < CLI on top, merging provider and reasoning and honouring null', async () => {
    const [ab, cd] = resolved.models;
    const [t, u] = await readTasks(resolved);
    expect(jobParams(resolved.baseParams, ab!.params, t!.params, { temperature: 0 })).toEqual({
      temperature: 0,
      provider: { order: ['deepinfra'], data_collection: 'deny', allow_fallbacks: false },
      reasoning: { max_tokens: 3000 },
      // No layer caps the output and the reasoning budget is 3000: room is left above it.
      max_tokens: 3000 + DEFAULT_MAX_TOKENS,
    });
    expect(jobParams(resolved.baseParams, cd!.params, u!.params, {})).toEqual({
      temperature: 0.5,
      seed: 1,
      provider: { order: ['anthropic'], data_collection: 'deny', allow_fallbacks: false },
      reasoning: { effort: 'low' },
      stop: ['###'],
      max_tokens: DEFAULT_MAX_TOKENS,
    });
    expect(jobParams(resolved.baseParams, ab!.params, u!.params, { provider: { order: ['x'], sort: 'latency' } }).provider).toEqual({
      order: ['x'],
      sort: 'latency',
      data_collection: 'deny',
      allow_fallbacks: false,
    });
  });
});

describe('jobParams: max_tokens is always sent', () => {
  it('adds DEFAULT_MAX_TOKENS when no layer sets a cap', () => {
    expect(DEFAULT_MAX_TOKENS).toBe(1024);
    expect(jobParams({}, {}, {}, {})).toEqual({ max_tokens: 1024 });
  });

  it('keeps a cap set by any layer, either name', () => {
    expect(jobParams({ max_tokens: 256 }, {}, {}, {})).toEqual({ max_tokens: 256 });
    expect(jobParams({}, {}, { max_completion_tokens: 64 }, {})).toEqual({ max_completion_tokens: 64 });
    expect(jobParams({ max_tokens: 256 }, { max_tokens: 128 }, {}, { max_tokens: 8 })).toEqual({ max_tokens: 8 });
  });

  it('adds the default again when a layer unsets the cap', () => {
    expect(jobParams({ max_tokens: 256 }, {}, { max_tokens: null }, {})).toEqual({ max_tokens: 1024 });
  });

  it('leaves room above a reasoning budget, which max_tokens must exceed', () => {
    expect(jobParams({ reasoning: { max_tokens: 500 } }, {}, {}, {}).max_tokens).toBe(1024);
    expect(jobParams({ reasoning: { max_tokens: 4000 } }, {}, {}, {}).max_tokens).toBe(5024);
  });
});

describe('resolveSuite', () => {
  it('turns each task form into messages and reads system prompt files', async () => {
    const suite = {
      name: 's',
      description: 'd',
      models: ['a/b', { id: 'c/d', label: 'cd' }],
      system_prompts: { zeta: 'Be terse.', alpha: { file: 'sys.md' }, none: '' },
      tasks: [
        { id: 'inline', prompt: 'What?' },
        { id: 'file', prompt_file: 'p.md' },
        { id: 'chat', messages: [{ role: 'user', content: 'A' }, { role: 'assistant', content: 'B' }, { role: 'user', content: 'C' }] },
      ],
      repeats: 3,
      concurrency: 2,
      max_cost: 0.5,
    };
    const r = resolveSuite(loaded(suite, { 'sys.md': 'From a file.', 'p.md': 'Prompt from a file.\n' }), config());
    expect(r).toMatchObject({ name: 's', description: 'd', path: '/suites/s.yaml', sha256: 'abc', repeats: 3, concurrency: 2, max_cost: 0.5, baseParams: {} });
    expect(r.models).toEqual([
      { id: 'a/b', label: 'a/b', params: {} },
      { id: 'c/d', label: 'cd', params: {} },
    ]);
    expect(r.systemPrompts.map(({ template: _, where: __, ...p }) => p)).toEqual([
      { id: 'zeta', text: 'Be terse.', sha256: sha('Be terse.') },
      { id: 'alpha', text: 'From a file.', sha256: sha('From a file.') },
      { id: 'none', text: '', sha256: sha('') },
    ]);
    const system = r.systemPrompts.map((p) => ({ text: p.text, sha256: p.sha256 }));
    expect(await readTasks(r)).toEqual([
      { id: 'inline', messages: [{ role: 'user', content: 'What?' }], params: {}, checks: [], vars: {}, entry: 0, system },
      { id: 'file', messages: [{ role: 'user', content: 'Prompt from a file.\n' }], params: {}, checks: [], vars: {}, entry: 1, system },
      { id: 'chat', messages: suite.tasks[2]!.messages, params: {}, checks: [], vars: {}, entry: 2, system },
    ]);
  });

  it('defaults to one empty system prompt arm, one repeat and no caps', () => {
    const r = resolveSuite(loaded({ name: 's', models: ['a/b'], tasks: [{ id: 't', prompt: 'x' }] }), config());
    expect(r.systemPrompts.map(({ template: _, where: __, ...p }) => p)).toEqual([{ id: 'default', text: '', sha256: sha('') }]);
    expect(r).toMatchObject({ description: null, repeats: 1, concurrency: null, max_cost: null });
  });

  it('resolves the example suite from disk', async () => {
    const [suite, { config: cfg }] = await Promise.all([loadSuite(join(ROOT, 'suites/example.yaml')), loadConfig(undefined, ROOT)]);
    const r = resolveSuite(suite, cfg);
    expect(r.models.map((m) => m.label)).toEqual(['openai/gpt-4o-mini', 'sonnet-4.5']);
    expect(r.systemPrompts.map((p) => [p.id, p.text])).toEqual([
      ['terse', 'Answer in one sentence.'],
      ['none', ''],
    ]);
    const tasks = await readTasks(r);
    expect(tasks.map((t) => t.messages.length)).toEqual([1, 3, 1]);
    expect(tasks[2]!.messages[0]!.content).toBe(await readFile(join(ROOT, 'suites/prompts/haiku.md'), 'utf8'));
    expect(r.baseParams).toEqual({ temperature: 0, max_tokens: 256, seed: 42 });
    expect(jobParams(r.baseParams, r.models[0]!.params, tasks[2]!.params, {})).toEqual({ temperature: 0.7, max_tokens: 256, seed: 42 });
    expect(r).toMatchObject({ repeats: 1, concurrency: 4 });
  });
});

describe('resolveSettings: defaults < config file < environment < suite < flags', () => {
  it('returns the defaults with nothing set', () => {
    const s = resolveSettings(config(), {}, {});
    expect(s).toEqual({
      base_url: 'https://openrouter.ai/api/v1',
      api_key_env: 'OPENROUTER_API_KEY',
      concurrency: 8,
      output_dir: 'results',
      app_url: null,
      app_title: null,
      timeouts: { connect_ms: 10_000, ttft_ms: 120_000, idle_ms: 60_000, total_ms: 600_000 },
      generation: { enabled: true, first_delay_ms: 1000, max_wait_ms: 60_000 },
      retry: { max_attempts: 4, base_delay_ms: 1000, max_delay_ms: 30_000, max_retry_time_ms: 300_000, retry_midstream: true },
      max_cost: null,
      max_response_bytes: null,
      log_level: 'info',
      cache: false,
      confirm_above: { jobs: 10_000, usd: 10 },
      request_rate: null,
      arrival: 'constant',
      warmup: 0,
    });
  });

  it('the load keys (request_rate, arrival, warmup): config < suite < flag, checked like the config file', () => {
    const suite = { concurrency: null, max_cost: null, cache: null, request_rate: 7, arrival: 'poisson' as const, warmup: 2 };
    expect(resolveSettings(config({ request_rate: 5 }), {}, {})).toMatchObject({ request_rate: 5, arrival: 'constant', warmup: 0 });
    expect(resolveSettings(config({ request_rate: 5 }), {}, {}, suite)).toMatchObject({ request_rate: 7, arrival: 'poisson', warmup: 2 });
    expect(resolveSettings(config(), {}, { request_rate: 9, arrival: 'constant', warmup: 0 }, suite)).toMatchObject({ request_rate: 9, arrival: 'constant', warmup: 0 });
    expect(() => resolveSettings(config(), {}, { request_rate: 0 })).toThrow(ConfigError);
  });

  it('the response cache: config < suite < flag', () => {
    expect(resolveSettings(config({ cache: true }), {}, {}).cache).toBe(true);
    expect(resolveSettings(config({ cache: true }), {}, {}, { concurrency: null, max_cost: null, cache: false }).cache).toBe(false);
    expect(resolveSettings(config(), {}, { cache: true }, { concurrency: null, max_cost: null, cache: false }).cache).toBe(true);
    expect(resolveSettings(config({ cache: true }), {}, { cache: false }).cache).toBe(false);
  });

  it('applies each layer over the one below', () => {
    const cfg = config({ base_url: 'https://a.example/v1', concurrency: 2, max_cost: 10, app_url: 'https://cfg.example', app_title: 'cfg', log_level: 'warn', output_dir: 'out' });
    expect(resolveSettings(cfg, {}, {})).toMatchObject({ base_url: 'https://a.example/v1', concurrency: 2, max_cost: 10, app_url: 'https://cfg.example', app_title: 'cfg' });

    const env = { OPENROUTER_BASE_URL: 'http://127.0.0.1:9/v1', APP_URL: 'https://env.example', APP_TITLE: 'env', OPENROUTER_API_KEY: 'sk-or-v1-x' };
    const fromEnv = resolveSettings(cfg, env, {});
    expect(fromEnv).toMatchObject({ base_url: 'http://127.0.0.1:9/v1', app_url: 'https://env.example', app_title: 'env', concurrency: 2 });
    expect(JSON.stringify(fromEnv)).not.toContain('sk-or-v1-x');

    const fromSuite = resolveSettings(cfg, env, {}, { concurrency: 3, max_cost: 5 });
    expect(fromSuite).toMatchObject({ concurrency: 3, max_cost: 5, base_url: 'http://127.0.0.1:9/v1' });

    const fromFlags = resolveSettings(cfg, env, { base_url: 'https://flag.example/v1', concurrency: 7, max_cost: 1, log_level: 'debug', output_dir: 'elsewhere' }, { concurrency: 3, max_cost: 5 });
    expect(fromFlags).toMatchObject({ base_url: 'https://flag.example/v1', concurrency: 7, max_cost: 1, log_level: 'debug', output_dir: 'elsewhere', app_title: 'env' });
  });

  it('lets a suite without caps leave the config values alone, and ignores empty variables', () => {
    const s = resolveSettings(config({ concurrency: 2, max_cost: 3 }), { OPENROUTER_BASE_URL: '', APP_TITLE: '' }, {}, { concurrency: null, max_cost: null });
    expect(s).toMatchObject({ concurrency: 2, max_cost: 3, base_url: 'https://openrouter.ai/api/v1', app_title: null });
  });

  it('checks values from the environment and flags with the config schema, naming the source', () => {
    const bad = () => resolveSettings(config(), { OPENROUTER_BASE_URL: 'localhost:8080' }, { concurrency: 0 });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => `${i.file} ${i.path}: ${i.message}`)).toEqual([
        'environment variable OPENROUTER_BASE_URL base_url: Expected `base_url` to be an http(s) URL like https://openrouter.ai/api/v1',
        'command-line option --concurrency concurrency: Expected `concurrency` to be a whole number from 1 to 10000',
      ]);
    }
  });
});
