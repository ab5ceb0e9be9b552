// Preflight, pure: the matrix against a /models listing (the simulator's), problems out.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { modelsBody } from '../src/mock/models-body.js';
import { findModelInfo, preflight, reportPreflight } from '../src/models/preflight.js';
import { parseModelsBody } from '../src/models/list.js';
import { job } from './helpers/jobs.js';

const models = parseModelsBody(JSON.parse(modelsBody()));
const opts = { baseUrl: 'http://sim' };

describe('preflight', () => {
  it('passes a clean matrix with no problems', () => {
    expect(preflight([job({ params: { max_tokens: 100, temperature: 0, seed: 1 } })], models, opts)).toEqual([]);
  });

  it('finds models by id or canonical slug', () => {
    expect(findModelInfo(models, 'openai/gpt-4o-mini-2024-07-18')?.id).toBe('openai/gpt-4o-mini');
    expect(preflight([job({ model: 'openai/gpt-4o-mini-2024-07-18' })], models, opts)).toEqual([]);
  });

  it('an unknown model is an error with "did you mean", reported once however many jobs', () => {
    const problems = preflight([job({ model: 'openai/gpt-4o-mni' }), job({ model: 'openai/gpt-4o-mni', repeat: 1 })], models, opts);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ level: 'error', code: 'unknown_model', model: 'openai/gpt-4o-mni' });
    expect(problems[0]!.message).toBe('Unknown model `openai/gpt-4o-mni` at http://sim. Did you mean `openai/gpt-4o-mini`?');
  });

  it('an unsupported param is a warning naming model and param; an error with strictParams', () => {
    const j = job({ model: 'mock/echo', params: { max_tokens: 10, top_k: 5, provider: { order: ['x'] }, user: 'me' } });
    const loose = preflight([j], models, opts);
    expect(loose.map((p) => [p.level, p.code, p.model, p.param])).toEqual([['warning', 'unsupported_param', 'mock/echo', 'top_k']]);
    expect(loose[0]!.message).toMatch(/^mock\/echo does not list `top_k`.*--strict-params/);
    const strict = preflight([j], models, { ...opts, strictParams: true });
    expect(strict[0]).toMatchObject({ level: 'error', code: 'unsupported_param', param: 'top_k' });
  });

  it('max_tokens above the top provider limit, and prompt + max_tokens over the context, are warnings', () => {
    const over = preflight([job({ model: 'mock/echo', params: { max_tokens: 5000 } })], models, opts);
    expect(over.map((p) => p.code)).toEqual(['max_tokens_over_limit']);
    expect(over[0]!.message).toContain('max_tokens 5000 is above the top provider\'s max_completion_tokens 4096');
    const long = 'x'.repeat(4 * 32_000);
    const context = preflight([job({ model: 'mock/echo', params: { max_tokens: 4000 }, messages: [{ role: 'user', content: long }] })], models, opts);
    expect(context.map((p) => p.code)).toEqual(['over_context']);
    expect(context[0]!.message).toMatch(/estimated 32007 prompt tokens \+ max_tokens 4000 exceed its context length 32768/);
  });

  it('reasoning on a model without reasoning support is a warning (not an unsupported-param one)', () => {
    const problems = preflight([job({ params: { max_tokens: 100, reasoning: { effort: 'high' } } })], models, opts);
    expect(problems.map((p) => [p.level, p.code, p.param])).toEqual([['warning', 'reasoning_unsupported', 'reasoning']]);
    expect(preflight([job({ model: 'deepseek/deepseek-r1', params: { max_tokens: 100, reasoning: { effort: 'high' } } })], models, opts)).toEqual([]);
  });

  it('reportPreflight logs warnings and throws one ConfigError listing every error', () => {
    const warned: string[] = [];
    const logger = { warn: (m: string) => void warned.push(m) };
    const problems = preflight([job({ model: 'a/one' }), job({ model: 'b/two' }), job({ model: 'mock/echo', params: { max_tokens: 10, top_k: 1 } })], models, opts);
    let error: unknown;
    try {
      reportPreflight(problems, logger);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/^Preflight: 2 problem\(s\) found before anything was sent:\n {2}Unknown model `a\/one`.*\n {2}Unknown model `b\/two`/);
    expect(warned).toHaveLength(1);
    expect(() => reportPreflight([], logger)).not.toThrow();
  });
});
