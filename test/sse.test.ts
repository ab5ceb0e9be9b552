// Our own SSE fixtures, one per wire trap (shared/docs/openrouter-wire.md §1, §8), each parsed
// whole, byte by byte, split at every byte boundary and in random chunkings: the result must not
// depend on where the network happened to cut the stream.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStreamReader, parseSse } from '../src/provider/sse.js';
import type { StreamResult, StreamUsage } from '../src/provider/wire.js';

const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`./fixtures/sse/${name}`, import.meta.url)));

/** Defaults for a stream that finished with [DONE] and produced a token in its (single) now=0. */
function result(fields: Partial<StreamResult>): StreamResult {
  return {
    generation_id: null, model_served: null, provider: null, content: '', reasoning: '', reasoning_encrypted: 0,
    tool_calls: [], finish_reason: null, native_finish_reason: null, usage: null, error: null, malformed: null,
    done: true, events: 0, first_token_at: 0, first_content_at: 0, last_token_at: 0,
    ...fields,
  };
}
type U = [number, number, number, number | null, number | null, number | null];
const usage = ([prompt, completion, total, reasoning, cached, cost]: U): StreamUsage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: total,
  reasoning_tokens: reasoning,
  cached_tokens: cached,
  cost,
});
const who = (generation_id: string, model_served: string, provider: string) => ({ generation_id, model_served, provider });

const CASES: Record<string, StreamResult> = {
  'text-2026-duplicated-finish.sse': result({
    ...who('gen-1800000100-Qw3rTy7uIoPaSdFgHjKl', 'mistralai/mistral-small-3.2-20260301', 'Mistral'),
    content: 'Grüße aus 東京 🦀!',
    finish_reason: 'stop', native_finish_reason: 'stop', usage: usage([12, 7, 19, 0, 0, 0.0000123]), events: 5,
  }),
  'text-2025-separate-usage.sse': result({
    ...who('gen-1760000200-ZxCvBnMmLkJhGfDsAqWe', 'meta-llama/llama-3.3-70b-instruct', 'Together'),
    content: 'The answer is 42.',
    // The trailing usage chunk has finish_reason null: it must not erase "stop".
    finish_reason: 'stop', native_finish_reason: 'eos', usage: usage([30, 5, 35, 0, 0, 0.000021]), events: 5,
  }),
  'usage-docs-empty-choices.sse': result({
    ...who('gen-1790000300-PlMoKnIjUhByGvTfCrDx', 'google/gemini-2.5-flash', 'Google AI Studio'),
    content: 'Bonjour le monde',
    // No details and no cost in this usage object: unknown, not zero.
    finish_reason: 'stop', native_finish_reason: 'STOP', usage: usage([8, 3, 11, null, null, null]), events: 4,
  }),
  'comments-everywhere.sse': result({
    ...who('gen-1800000400-LoNgWaItCoMmEnTs0001', 'qwen/qwen3-32b-20260101', 'Groq'),
    content: 'abc',
    finish_reason: 'stop', native_finish_reason: 'stop', usage: usage([5, 3, 8, 0, 0, 0.000002]), events: 5,
  }),
  'reasoning-details.sse': result({
    ...who('gen-1765000500-ReAsOnInGdEtAiLs0005', 'anthropic/claude-sonnet-4.5', 'Google'),
    content: '7 apples.',
    // Plain reasoning once (not again from details), the summary and the details text where the
    // plain string was null or '', nothing from signature-only items, encrypted items counted.
    reasoning: 'Let me count: 3 apples Then add 4. So 7.',
    reasoning_encrypted: 2,
    finish_reason: 'stop', native_finish_reason: 'end_turn', usage: usage([40, 30, 70, 21, 0, 0.0005]), events: 12,
  }),
  'error-after-length.sse': result({
    ...who('gen-1762000600-ErRoRaFtErLeNgTh0006', 'z-ai/glm-4.6:free', 'Chutes'),
    reasoning: 'Thinking hard',
    finish_reason: 'length', native_finish_reason: 'length', usage: usage([20, 4, 24, 6, 0, 0]), events: 4,
    error: { code: 400, message: 'Token limit reached', metadata: null },
    first_content_at: null,
  }),
  'error-in-choice.sse': result({
    ...who('gen-1800000700-ChOiCeLeVeLeRrOr0007', 'deepseek/deepseek-v3.2', 'DeepInfra'),
    content: 'Partial ans',
    finish_reason: 'error', native_finish_reason: 'error', events: 2,
    error: { code: 502, message: 'Upstream provider disconnected', metadata: { provider_name: 'DeepInfra', error_type: 'provider_error' } },
  }),
  'finish-error-no-object.sse': result({
    ...who('gen-1800000800-MaLfOrMeDfUnCtIoN008', 'google/gemini-2.5-pro', 'Google'),
    content: 'Calling',
    finish_reason: 'error', native_finish_reason: 'MALFORMED_FUNCTION_CALL', usage: usage([15, 1, 16, 0, 0, 0.00001]), events: 3,
  }),
  'missing-done.sse': result({
    ...who('gen-1800000900-MiSsInGdOnEmArKeR009', 'openai/gpt-4.1-nano-20250414', 'OpenAI'),
    content: 'Cut short',
    finish_reason: 'stop', native_finish_reason: 'stop', usage: usage([9, 2, 11, 0, 0, 0.000001]), events: 4, done: false,
  }),
  'malformed-line.sse': result({
    ...who('gen-1800001000-MaLfOrMeDdAtAlInE010', 'mistralai/ministral-8b', 'Mistral'),
    content: 'one two',
    finish_reason: 'stop', native_finish_reason: 'stop', events: 3,
    // The first bad payload, cut to 200 characters; the later `<html>` one is not kept.
    malformed:
      '{"id":"gen-1800001000-MaLfOrMeDdAtAlInE010","object":"chat.completion.chunk","created":1800001000,' +
      '"model":"mistralai/ministral-8b","provider":"Mistral","choices":[{"index":0,"delta":{"content":"this c',
  }),
  'tool-calls.sse': result({
    ...who('gen-1800001100-PaRaLlElToOlCaLlS011', 'anthropic/claude-4.5-haiku-20251001', 'Anthropic'),
    tool_calls: [
      { id: 'toolu_invented_A', name: 'lookup', arguments: '{"q":"naïve"}' },
      { id: 'toolu_invented_B', name: 'clock', arguments: '{}' },
    ],
    finish_reason: 'tool_calls', native_finish_reason: 'tool_use', usage: usage([120, 40, 160, 0, 0, 0.00031]), events: 7,
    first_content_at: null,
  }),
  'crlf.sse': result({
    ...who('gen-1800001200-CaRrIaGeReTuRnLf0012', 'cohere/command-r-08-2024', 'Cohere'),
    content: 'Hello CRLF',
    finish_reason: 'stop', native_finish_reason: 'COMPLETE', usage: usage([4, 2, 6, 0, 0, 0.0000007]), events: 3,
  }),
  'multiline-data.sse': result({
    ...who('gen-1800001300-MuLtIlInEdAtAfLd0013', 'x/multi-line-model', 'Example'),
    content: 'multi-line',
    finish_reason: 'stop', native_finish_reason: 'stop', events: 3,
  }),
  'error-string-code.sse': result({
    ...who('gen-1800001400-StRiNgErRoRcOdE0014', 'openai/gpt-4o', 'openai'),
    content: 'Once upon',
    finish_reason: 'error', events: 2, done: false,
    error: { code: null, message: 'Provider disconnected unexpectedly', metadata: { code: 'server_error' } },
  }),
};

/** Feed `bytes` cut at the given offsets (ascending, inside the buffer). */
function feedCut(bytes: Uint8Array, cuts: number[]): StreamResult {
  const reader = createStreamReader();
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    reader.feed(bytes.subarray(from, at), 0);
    from = at;
  }
  return reader.end();
}

/** Deterministic PRNG (mulberry32) so a failing random chunking can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('own SSE fixtures', () => {
  it('covers every fixture file in test/fixtures/sse', () => {
    const files = readdirSync(fileURLToPath(new URL('./fixtures/sse/', import.meta.url))).filter((f) => f.endsWith('.sse'));
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });

  it('crlf.sse really has CRLF line endings (and the others LF only)', () => {
    expect(fixture('crlf.sse').toString('utf8')).toMatch(/^: OPENROUTER PROCESSING\r\n\r\ndata: /);
    expect(fixture('crlf.sse').toString('utf8')).not.toMatch(/[^\r]\n/);
    expect(fixture('text-2026-duplicated-finish.sse').includes('\r')).toBe(false);
  });

  for (const [name, want] of Object.entries(CASES)) {
    describe(name, () => {
      const bytes = new Uint8Array(fixture(name));

      it('parses as a whole string', () => {
        expect(parseSse(Buffer.from(bytes).toString('utf8'))).toEqual(want);
      });

      it('parses fed one byte at a time', () => {
        expect(feedCut(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(want);
      });

      it('parses split in two at every byte boundary', () => {
        for (let at = 1; at < bytes.length; at++) expect(feedCut(bytes, [at]), `cut at ${at}`).toEqual(want);
      });

      it('parses in 40 random chunkings', () => {
        const random = prng(name.length * 7919);
        for (let round = 0; round < 40; round++) {
          const cuts: number[] = [];
          for (let at = 1 + Math.floor(random() * 64); at < bytes.length; at += 1 + Math.floor(random() * 64)) cuts.push(at);
          expect(feedCut(bytes, cuts), `cuts ${cuts.join(',')}`).toEqual(want);
        }
      });
    });
  }
});
