// GET /generation bodies → GenerationStats: lenient, and unknown stays null (wire §3).
import { describe, expect, it } from 'vitest';
import { parseGenerationBody } from '../src/provider/generation-parse.js';

const NONE = {
  total_cost: null,
  native_tokens_prompt: null,
  native_tokens_completion: null,
  native_tokens_reasoning: null,
  native_tokens_cached: null,
  tokens_prompt: null,
  tokens_completion: null,
  latency: null,
  generation_time: null,
  provider_name: null,
  model: null,
  finish_reason: null,
  native_finish_reason: null,
};

describe('parseGenerationBody', () => {
  it('returns null when there is no data object or no usable id', () => {
    for (const body of [null, 'gen-1', [], {}, { data: null }, { data: [] }, { data: {} }, { data: { id: '' } }, { data: { id: 7 } }, { id: 'gen-1' }]) {
      expect(parseGenerationBody(body), JSON.stringify(body)).toBeNull();
    }
  });

  it('maps an id-only record to all-null stats, never zeros', () => {
    expect(parseGenerationBody({ data: { id: 'gen-1' } })).toEqual({ id: 'gen-1', ...NONE });
  });

  it('keeps a real 0 and passes latency and generation_time through as milliseconds', () => {
    const stats = parseGenerationBody({ data: { id: 'gen-2', total_cost: 0, native_tokens_reasoning: 0, latency: 1643, generation_time: 3881 } });
    expect(stats).toEqual({ id: 'gen-2', ...NONE, total_cost: 0, native_tokens_reasoning: 0, latency: 1643, generation_time: 3881 });
  });

  it('treats `usage` as the USD number it is, used only when total_cost is absent', () => {
    expect(parseGenerationBody({ data: { id: 'g', usage: 0.002 } })?.total_cost).toBe(0.002);
    expect(parseGenerationBody({ data: { id: 'g', usage: 0.002, total_cost: 0.0015 } })?.total_cost).toBe(0.0015);
    // A usage *object* (the chat-completions shape) is not a cost.
    expect(parseGenerationBody({ data: { id: 'g', usage: { prompt_tokens: 5 } } })?.total_cost).toBeNull();
  });

  it('accepts numeric strings; an empty or null figure is unknown; odd timings are unknown', () => {
    const stats = parseGenerationBody({
      data: { id: 'g', total_cost: '0.0015', native_tokens_completion: '', tokens_prompt: null, latency: true, generation_time: -3 },
    });
    expect(stats).toEqual({ id: 'g', ...NONE, total_cost: 0.0015 });
  });

  it('marks a record that cannot be true as invalid, naming the fields, with every figure null (issue 15.5)', () => {
    const stats = parseGenerationBody({ data: { id: 'g', total_cost: -5, native_tokens_prompt: 'lots', native_tokens_completion: 12, latency: 900 } });
    expect(stats).toEqual({ id: 'g', ...NONE, latency: 900, invalid: 'total_cost -5, native_tokens_prompt "lots"' });
    for (const data of [{ usage: -0.01 }, { native_tokens_cached: 'n/a' }, { tokens_prompt: Infinity }, { total_cost: true }, { native_tokens_reasoning: [1] }]) {
      const parsed = parseGenerationBody({ data: { id: 'g', ...data } });
      expect(parsed?.invalid, JSON.stringify(data)).toMatch(/./);
      expect(parsed?.total_cost).toBeNull();
    }
  });

  it('reads string fields and maps empty or non-string ones to null', () => {
    const stats = parseGenerationBody({ data: { id: 'g', provider_name: '', model: 42, finish_reason: 'length', native_finish_reason: 'max_tokens' } });
    expect(stats).toEqual({ id: 'g', ...NONE, finish_reason: 'length', native_finish_reason: 'max_tokens' });
  });
});
