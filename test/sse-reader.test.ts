// The streaming reader's contract beyond whole fixtures: timing from the caller's clock, UTF-8
// split across network chunks, the live result, end-of-input handling and lenient field reading.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStreamReader, parseSse } from '../src/provider/sse.js';

const fixtureText = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`./fixtures/sse/${name}`, import.meta.url)), 'utf8');
const event = (chunk: unknown): string => `data: ${JSON.stringify(chunk)}\n\n`;
const delta = (d: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  event({ id: 'gen-t', choices: [{ index: 0, delta: d, finish_reason: null }], ...extra });

describe('timing', () => {
  it('stamps first token, first content and last token with the now of the feed that carried them', () => {
    // Blocks of reasoning-details.sse: 0 comment, 1 empty details, 2 empty text + signature,
    // 3 "Let me", 4-5 comments, 6 reasoning, 7 signature only, 8 summary, 9 details text,
    // 10-11 encrypted, 12 "7 apples.", 13 finish, 14 usage, 15 [DONE].
    const blocks = fixtureText('reasoning-details.sse').split(/(?<=\n\n)/);
    expect(blocks).toHaveLength(16);
    const reader = createStreamReader();
    blocks.forEach((block, i) => reader.feed(block, 100 + i));
    const r = reader.end();
    expect([r.first_token_at, r.first_content_at, r.last_token_at]).toEqual([103, 112, 112]);
  });

  it('uses the feed that completes an event (its blank line), not the one that began it', () => {
    const reader = createStreamReader();
    const line = delta({ content: 'hi' });
    reader.feed(': OPENROUTER PROCESSING\n\n', 1);
    reader.feed(line.slice(0, 20), 2);
    reader.feed(line.slice(20, -1), 3);
    expect(reader.result.first_token_at).toBeNull();
    reader.feed('\n', 4);
    expect(reader.result.first_token_at).toBe(4);
    expect(reader.result.first_content_at).toBe(4);
  });

  it('counts tool-call names and arguments and encrypted reasoning as tokens, not empty deltas or signatures', () => {
    const reader = createStreamReader();
    reader.feed(delta({ content: '', reasoning: '', reasoning_details: [] }), 1);
    reader.feed(delta({ content: null, reasoning_details: [{ type: 'reasoning.text', signature: 'c2ln' }] }), 2);
    expect(reader.result.first_token_at).toBeNull();
    reader.feed(delta({ content: null, tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '' } }] }), 3);
    reader.feed(delta({ content: null, tool_calls: [{ index: 0, function: { arguments: '{}' } }] }), 4);
    reader.feed(delta({ content: '', reasoning_details: [{ type: 'reasoning.encrypted', data: 'x' }] }), 5);
    const r = reader.end();
    expect([r.first_token_at, r.last_token_at, r.first_content_at]).toEqual([3, 5, null]);
    expect(r.reasoning_encrypted).toBe(1);
  });
});

describe('UTF-8 across chunks', () => {
  it('decodes a 4-byte and a 2-byte character cut at each of their inner byte boundaries', () => {
    const bytes = new TextEncoder().encode(delta({ content: '🦀é' }));
    const crab = bytes.indexOf(0xf0);
    const reader = createStreamReader();
    let from = 0;
    for (const at of [crab + 1, crab + 2, crab + 3, crab + 5, bytes.length]) {
      reader.feed(bytes.subarray(from, at), 0);
      from = at;
    }
    expect(reader.end().content).toBe('🦀é');
  });
});

describe('live result and end()', () => {
  it('keeps scalars live, joins text only in end(), and is idempotent after end', () => {
    const text = fixtureText('text-2026-duplicated-finish.sse');
    const cut = text.indexOf('"finish_reason":"stop"');
    const reader = createStreamReader();
    reader.feed(text.slice(0, cut), 1);
    expect(reader.result.generation_id).toBe('gen-1800000100-Qw3rTy7uIoPaSdFgHjKl');
    expect(reader.result.finish_reason).toBeNull();
    reader.feed(text.slice(cut), 2);
    expect(reader.result.finish_reason).toBe('stop');
    expect(reader.result.usage?.total_tokens).toBe(19);
    expect(reader.result.content).toBe(''); // documented: stale until end()
    const r = reader.end();
    expect(r.content).toBe('Grüße aus 東京 🦀!');
    reader.feed(delta({ content: 'late' }), 3);
    expect(reader.end()).toBe(r);
    expect(r.content).toBe('Grüße aus 東京 🦀!');
  });

  it('uses a complete last event that lacks its blank line, and drops a cut-off one silently', () => {
    const whole = parseSse(delta({ content: 'a' }) + delta({ content: 'b' }).trimEnd());
    expect([whole.content, whole.malformed, whole.events]).toEqual(['ab', null, 2]);
    const cut = parseSse(delta({ content: 'a' }) + delta({ content: 'b' }).slice(0, 30));
    expect([cut.content, cut.malformed, cut.events, cut.done]).toEqual(['a', null, 1, false]);
    expect(parseSse('data: [DONE]').done).toBe(true);
  });
});

describe('lenient chunk reading', () => {
  it('keeps the usage object when later chunks say usage: null', () => {
    const r = parseSse(
      delta({ content: 'x' }, { usage: null }) +
        delta({ content: '' }, { usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, cost: 0 } }) +
        delta({ content: '' }, { usage: null }),
    );
    expect(r.usage).toEqual({ prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, reasoning_tokens: null, cached_tokens: null, cost: 0 });
  });

  it('maps non-numeric usage values to null, never to 0', () => {
    const r = parseSse(delta({}, { usage: { prompt_tokens: '7', completion_tokens: null, completion_tokens_details: null } }));
    expect(r.usage).toEqual({ prompt_tokens: null, completion_tokens: null, total_tokens: null, reasoning_tokens: null, cached_tokens: null, cost: null });
  });

  it('flags JSON that is not a chunk object as malformed and counts only real chunks as events', () => {
    const r = parseSse('data: 42\n\ndata: null\n\n' + delta({ content: 'ok' }) + 'data:[DONE]\n\n');
    expect([r.malformed, r.events, r.content, r.done]).toEqual(['42', 1, 'ok', true]);
  });

  it('ignores choices other than index 0, a missing delta, and chunks without choices', () => {
    const r = parseSse(
      event({ id: 'g', choices: [{ index: 1, delta: { content: 'other' }, finish_reason: 'length' }, { index: 0, delta: { content: 'mine' } }] }) +
        event({ id: 'g', choices: [{ index: 0, finish_reason: 'stop' }] }) +
        event({ id: 'g', model: 'm' }),
    );
    expect([r.content, r.finish_reason, r.model_served]).toEqual(['mine', 'stop', 'm']);
  });

  it('accumulates tool calls that come without an index (an id opens a new call)', () => {
    const r = parseSse(
      delta({ tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{"x":' } }] }) +
        delta({ tool_calls: [{ function: { arguments: '1}' } }] }) +
        delta({ tool_calls: [{ id: 'b', function: { name: 'g', arguments: '[]' } }] }),
    );
    expect(r.tool_calls).toEqual([
      { id: 'a', name: 'f', arguments: '{"x":1}' },
      { id: 'b', name: 'g', arguments: '[]' },
    ]);
  });

  it('reads odd error shapes: a bare string, a string code without message, and keeps the first error', () => {
    expect(parseSse(event({ error: 'upstream went away' })).error).toEqual({ code: null, message: 'upstream went away', metadata: null });
    const r = parseSse(event({ error: { code: 'timeout' } }) + event({ error: { code: 500, message: 'later' } }));
    expect(r.error).toEqual({ code: null, message: 'timeout', metadata: { code: 'timeout' } });
  });
});
