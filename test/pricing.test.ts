// Exact cost arithmetic. Every expected value is worked out by hand in the comment beside it and
// compared as a decimal string, so float drift (3 × 0.00000219 = 0.000006570000000000001) fails.
import Big from 'big.js';
import { describe, expect, it } from 'vitest';
import { costOf, perMillion, pricingFrom, type Pricing, type TokenCounts } from '../src/money/pricing.js';

function pricing(raw: Record<string, unknown>): Pricing {
  const p = pricingFrom(raw);
  if (!p) throw new Error(`expected known pricing for ${JSON.stringify(raw)}`);
  return p;
}
const cost = (raw: Record<string, unknown>, tokens: TokenCounts, at?: Date) => costOf(pricing(raw), tokens, at).toFixed();
const utc = (hhmm: string) => new Date(`2026-03-10T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`);

const MINI = { prompt: '0.0000004', completion: '0.0000016' };
const SONNET = { prompt: '0.000003', completion: '0.000015', input_cache_read: '0.0000003', input_cache_write: '0.00000375' };

describe('pricingFrom', () => {
  it('parses per-token decimal strings exactly', () => {
    const p = pricing({ ...MINI, web_search: '0.01' });
    expect(p.prices.prompt.toFixed()).toBe('0.0000004');
    expect(p.prices.completion.toFixed()).toBe('0.0000016');
    expect(p.prices.web_search?.toFixed()).toBe('0.01');
    expect(p.discount.toFixed()).toBe('0');
    expect(p.overrides).toEqual([]);
  });

  it('accepts numbers and ignores keys that are not prices', () => {
    const p = pricing({ prompt: 0.0000004, completion: '0', future: { tier: 'x' }, flag: true, request: null });
    expect(p.prices.prompt.toFixed()).toBe('0.0000004');
    expect(p.prices.completion.toFixed()).toBe('0');
    expect(Object.keys(p.prices).sort()).toEqual(['completion', 'prompt']);
  });

  it.each([
    ['a negative sentinel on prompt (router models)', { prompt: '-1', completion: '-1' }],
    ['a negative sentinel on another key', { ...MINI, input_cache_read: '-1' }],
    ['a negative sentinel inside an override', { ...MINI, overrides: [{ min_prompt_tokens: 10, prompt: '-1' }] }],
    ['missing prompt', { completion: '0.0000016' }],
    ['missing completion', { prompt: '0.0000004' }],
    ['a non-numeric string', { prompt: 'abc', completion: '0.0000016' }],
    ['an empty string', { prompt: '', completion: '0.0000016' }],
    ['a non-numeric discount', { ...MINI, discount: 'lots' }],
    ['a discount above 1', { ...MINI, discount: 1.5 }],
    ['overrides that are not a list', { ...MINI, overrides: { prompt: '1' } }],
    ['an unreadable time window', { ...MINI, overrides: [{ utc_start: '25:00', prompt: '0.000001' }] }],
  ])('is null (unknown) for %s', (_, raw) => {
    expect(pricingFrom(raw)).toBeNull();
  });

  it.each([[null], [undefined], ['0.0000004'], [[MINI]]])('is null when the pricing is not an object: %j', (raw) => {
    expect(pricingFrom(raw)).toBeNull();
  });
});

describe('costOf', () => {
  it('sums without float drift', () => {
    expect(cost(MINI, { prompt: 3, completion: 0 })).toBe('0.0000012');
    expect(3 * 0.00000219).not.toBe(0.00000657); // the float trap this module exists for
    expect(cost({ prompt: '0', completion: '0.00000219' }, { prompt: 0, completion: 3 })).toBe('0.00000657');
    // 1000 × 0.0000004 + 500 × 0.0000016 = 0.0004 + 0.0008
    expect(cost(MINI, { prompt: 1000, completion: 500 })).toBe('0.0012');
    // 1 × 0.0000001 + 1 × 0.0000002 (the 0.1 + 0.2 case)
    expect(cost({ prompt: '0.0000001', completion: '0.0000002' }, { prompt: 1, completion: 1 })).toBe('0.0000003');
  });

  it('treats missing keys as 0 and leaves cached/reasoning tokens at the base prices when unpriced', () => {
    // no input_cache_read: all 1000 prompt tokens at 0.0000004 = 0.0004; no internal_reasoning:
    // all 200 completion tokens at 0.0000016 = 0.00032; no request fee
    expect(cost(MINI, { prompt: 1000, completion: 200, cache_read: 400, cache_write: 100, reasoning: 150 })).toBe('0.00072');
  });

  it('is 0 for a free model', () => {
    expect(cost({ prompt: '0', completion: '0' }, { prompt: 12345, completion: 678 })).toBe('0');
  });

  it('charges the request fee once per call', () => {
    const raw = { prompt: '0', completion: '0', request: '0.0005' };
    expect(cost(raw, { prompt: 10, completion: 10 })).toBe('0.0005');
    expect(cost(raw, { prompt: 10, completion: 10, requests: 3 })).toBe('0.0015'); // 3 × 0.0005
  });

  it('bills cached prompt tokens at input_cache_read, the rest of the prompt at the prompt price', () => {
    // (10000 − 8000) × 0.000003 = 0.006; 8000 × 0.0000003 = 0.0024; 100 × 0.000015 = 0.0015
    expect(cost(SONNET, { prompt: 10000, completion: 100, cache_read: 8000 })).toBe('0.0099');
  });

  it('bills cache writes at input_cache_write', () => {
    // (5000 − 4000) × 0.000003 = 0.003; 4000 × 0.00000375 = 0.015
    expect(cost(SONNET, { prompt: 5000, completion: 0, cache_write: 4000 })).toBe('0.018');
    // (10000 − 6000 − 3000) × 0.000003 = 0.003; 6000 × 0.0000003 = 0.0018; 3000 × 0.00000375 = 0.01125
    expect(cost(SONNET, { prompt: 10000, completion: 0, cache_read: 6000, cache_write: 3000 })).toBe('0.01605');
  });

  it('bills reasoning tokens at internal_reasoning and only the rest at the completion price', () => {
    const r1 = { prompt: '0.00000055', completion: '0.00000219', internal_reasoning: '0.000001' };
    // 100 × 0.00000055 = 0.000055; 600 × 0.000001 = 0.0006; (1000 − 600) × 0.00000219 = 0.000876
    expect(cost(r1, { prompt: 100, completion: 1000, reasoning: 600 })).toBe('0.001531');
    // without internal_reasoning: 0.000055 + 1000 × 0.00000219 = 0.000055 + 0.00219
    expect(cost({ prompt: r1.prompt, completion: r1.completion }, { prompt: 100, completion: 1000, reasoning: 600 })).toBe('0.002245');
    // reasoning above completion (seen in real usage): the rest clamps at 0; 150 × 0.000001
    expect(cost(r1, { prompt: 0, completion: 100, reasoning: 150 })).toBe('0.00015');
  });

  it('applies the discount to the whole total, request fee included', () => {
    // (1000 × 0.000003 + 1000 × 0.000015) × (1 − 0.1) = 0.018 × 0.9
    expect(cost({ ...SONNET, discount: 0.1 }, { prompt: 1000, completion: 1000 })).toBe('0.0162');
    // (0.018 + 0.0005) × 0.75
    expect(cost({ ...SONNET, request: '0.0005', discount: 0.25 }, { prompt: 1000, completion: 1000 })).toBe('0.013875');
  });

  describe('overrides', () => {
    const tiered = {
      ...SONNET,
      overrides: [{ min_prompt_tokens: 200000, prompt: '0.000006', completion: '0.0000225', input_cache_read: '0.0000006' }],
    };

    it('switch on at min_prompt_tokens (prompt size counts cached tokens)', () => {
      expect(cost(tiered, { prompt: 199999, completion: 0 })).toBe('0.599997'); // 199999 × 0.000003
      // 200000 × 0.000006 = 1.2; 1000 × 0.0000225 = 0.0225
      expect(cost(tiered, { prompt: 200000, completion: 1000 })).toBe('1.2225');
      // (200000 − 100000) × 0.000006 = 0.6; 100000 × 0.0000006 = 0.06
      expect(cost(tiered, { prompt: 200000, completion: 0, cache_read: 100000 })).toBe('0.66');
    });

    it('inherit the keys they do not set', () => {
      // input_cache_write is not overridden: (200000 − 100000) × 0.000006 = 0.6; 100000 × 0.00000375 = 0.375
      expect(cost(tiered, { prompt: 200000, completion: 0, cache_write: 100000 })).toBe('0.975');
    });

    it('apply in order, so a later matching entry wins and inherits from earlier ones', () => {
      const raw = {
        ...SONNET,
        overrides: [
          { min_prompt_tokens: 1000, prompt: '0.000002', completion: '0.00002' },
          { min_prompt_tokens: 2000, prompt: '0.000001' },
        ],
      };
      expect(cost(raw, { prompt: 1500, completion: 0 })).toBe('0.003'); // 1500 × 0.000002 (first only)
      // both match: prompt from the second, 2000 × 0.000001 = 0.002; completion from the first, 100 × 0.00002 = 0.002
      expect(cost(raw, { prompt: 2000, completion: 100 })).toBe('0.004');
    });

    it('follow a UTC time-of-day window that wraps midnight (start inclusive, end exclusive)', () => {
      const night = { ...SONNET, overrides: [{ utc_start: '2200', utc_end: '0600', prompt: '0.0000015' }] };
      const at = (hhmm: string) => cost(night, { prompt: 1000, completion: 0 }, utc(hhmm));
      expect(at('2200')).toBe('0.0015'); // 1000 × 0.0000015
      expect(at('2330')).toBe('0.0015');
      expect(at('0000')).toBe('0.0015');
      expect(at('0559')).toBe('0.0015');
      expect(at('0600')).toBe('0.003'); // 1000 × 0.000003
      expect(at('1200')).toBe('0.003');
      expect(at('2159')).toBe('0.003');
    });

    it('follow a window inside one day, given as strings or numbers', () => {
      for (const window of [{ utc_start: '0900', utc_end: '1700' }, { utc_start: 900, utc_end: 1700 }]) {
        const raw = { ...SONNET, overrides: [{ ...window, prompt: '0.000001' }] };
        expect(cost(raw, { prompt: 1000, completion: 0 }, utc('0859'))).toBe('0.003');
        expect(cost(raw, { prompt: 1000, completion: 0 }, utc('1000'))).toBe('0.001');
        expect(cost(raw, { prompt: 1000, completion: 0 }, utc('1700'))).toBe('0.003');
      }
    });

    it('need every condition they set: prompt size and time window', () => {
      const raw = { ...SONNET, overrides: [{ min_prompt_tokens: 1000, utc_start: '0000', utc_end: '0100', prompt: '0.000001' }] };
      expect(cost(raw, { prompt: 1000, completion: 0 }, utc('0030'))).toBe('0.001'); // 1000 × 0.000001
      expect(cost(raw, { prompt: 1000, completion: 0 }, utc('0200'))).toBe('0.003'); // 1000 × 0.000003
      expect(cost(raw, { prompt: 999, completion: 0 }, utc('0030'))).toBe('0.002997'); // 999 × 0.000003
    });

    it('can change the discount', () => {
      const raw = { ...MINI, discount: 0.1, overrides: [{ utc_start: '0000', utc_end: '0600', discount: 0.5 }] };
      // 1000 × 0.0000004 = 0.0004; × 0.5 at night, × 0.9 by day
      expect(cost(raw, { prompt: 1000, completion: 0 }, utc('0300'))).toBe('0.0002');
      expect(cost(raw, { prompt: 1000, completion: 0 }, utc('1300'))).toBe('0.00036');
    });
  });

  it('rejects negative or non-finite token counts', () => {
    expect(() => costOf(pricing(MINI), { prompt: -1, completion: 0 })).toThrow(RangeError);
    expect(() => costOf(pricing(MINI), { prompt: 1, completion: Number.NaN })).toThrow(/completion/);
  });
});

describe('perMillion', () => {
  it('converts USD per token to USD per million tokens', () => {
    expect(perMillion(new Big('0.0000004'))).toBe(0.4);
    expect(perMillion(new Big('0.00000219'))).toBe(2.19);
    expect(perMillion(new Big('0.0000225'))).toBe(22.5);
    expect(perMillion(new Big('0'))).toBe(0);
  });
});
