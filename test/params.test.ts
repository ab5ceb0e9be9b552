// params.reasoning and params.provider: validated strictly (a typo fails), passed through as written.
import { describe, expect, it } from 'vitest';
import { ParamsSchema } from '../src/config/params.js';

const messages = (value: unknown) => {
  const r = ParamsSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('params.provider', () => {
  it('accepts every routing field of the wire reference', () => {
    const provider = {
      order: ['anthropic', 'deepinfra/turbo'], only: ['anthropic'], ignore: ['groq'], allow_fallbacks: false, require_parameters: true,
      sort: { by: 'throughput', partition: 'none' }, data_collection: 'deny', quantizations: ['fp8'], zdr: true, max_price: { prompt: 1, completion: 5 },
    };
    const parsed = ParamsSchema.parse({ provider });
    expect(parsed.provider).toEqual(provider);
    expect(messages({ provider: { sort: 'price' } })).toEqual([]);
  });

  it('rejects a misspelt key, a wrong type and an unknown choice', () => {
    expect(messages({ provider: { allow_fallback: false } })).toHaveLength(1);
    expect(messages({ provider: { order: 'anthropic' } })[0]).toMatch(/^provider\.order: /);
    expect(messages({ provider: { data_collection: 'maybe' } })[0]).toMatch(/^provider\.data_collection: /);
    expect(messages({ provider: { allow_fallbacks: 'no' } })[0]).toMatch(/^provider\.allow_fallbacks: /);
  });
});

describe('params.reasoning', () => {
  it('accepts effort, max_tokens, exclude and enabled', () => {
    expect(messages({ reasoning: { effort: 'high', exclude: true } })).toEqual([]);
    expect(messages({ reasoning: { max_tokens: 2000, enabled: true } })).toEqual([]);
  });

  it('rejects an unknown effort, a zero budget and an unknown key', () => {
    expect(messages({ reasoning: { effort: 'extreme' } })[0]).toMatch(/^reasoning\.effort: /);
    expect(messages({ reasoning: { max_tokens: 0 } })[0]).toMatch(/^reasoning\.max_tokens: /);
    expect(messages({ reasoning: { budget: 10 } })).toHaveLength(1);
  });
});
