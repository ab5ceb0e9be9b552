// A non-streamed answer (one chat.completion JSON body) read into the StreamResult a stream gives,
// and every way such a body can fail mapped to its error kind.
import { describe, expect, it } from 'vitest';
import { chatBody } from '../src/provider/request.js';
import { createJsonReader, notAWholeAnswer, wholeFailure } from '../src/provider/json-body.js';

const read = (text: string, chunks = 1) => {
  const reader = createJsonReader();
  const size = Math.ceil(Buffer.byteLength(text) / chunks);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) reader.feed(bytes.subarray(i, i + size), i);
  return reader.end();
};

const USAGE = { prompt_tokens: 21, completion_tokens: 9, total_tokens: 30, cost: 0.0000123, completion_tokens_details: { reasoning_tokens: 4 }, prompt_tokens_details: { cached_tokens: 2 } };

const answer = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'gen-1778031306-UD7bR0I1JNCsPvVzlXat',
    object: 'chat.completion',
    created: 1778031306,
    model: 'openai/gpt-4o-mini-2024-07-18',
    provider: 'Azure',
    choices: [{ index: 0, logprobs: null, finish_reason: 'stop', native_finish_reason: 'stop', message: { role: 'assistant', ...message } }],
    usage: USAGE,
    ...extra,
  });

describe('a whole JSON answer', () => {
  it('gives content, ids, usage and finish reasons, with no token times', () => {
    // Split inside a multi-byte character: the bytes are joined before they are decoded.
    const r = read(`  \n${answer({ content: 'Canberra — the capital.' })}`, 7);
    expect(r).toMatchObject({
      generation_id: 'gen-1778031306-UD7bR0I1JNCsPvVzlXat',
      model_served: 'openai/gpt-4o-mini-2024-07-18',
      provider: 'Azure',
      content: 'Canberra — the capital.',
      finish_reason: 'stop',
      native_finish_reason: 'stop',
      usage: { prompt_tokens: 21, completion_tokens: 9, reasoning_tokens: 4, cached_tokens: 2, cost: 0.0000123 },
      done: true,
      events: 1,
      error: null,
      malformed: null,
      first_token_at: null,
      first_content_at: null,
      last_token_at: null,
    });
    expect(wholeFailure(r, '{')).toBeNull();
  });

  it('takes reasoning from `reasoning`, else from reasoning_details, and counts encrypted blocks', () => {
    const plain = read(answer({ content: 'x', reasoning: 'think', reasoning_details: [{ type: 'reasoning.text', text: 'think' }] }));
    expect(plain.reasoning).toBe('think');
    const details = read(
      answer({ content: 'x', reasoning: null, reasoning_details: [{ type: 'reasoning.summary', summary: 'sum' }, { type: 'reasoning.encrypted', data: 'opaque' }, { type: 'reasoning.encrypted', data: 'more' }] }),
    );
    expect([details.reasoning, details.reasoning_encrypted]).toEqual(['sum', 2]);
  });

  it('reads tool calls whole (no index in a non-streamed message)', () => {
    const r = read(
      answer({
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      }),
    );
    expect(r.content).toBe('');
    expect(r.tool_calls).toEqual([
      { id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
      { id: 'call_2', name: 'time', arguments: '{}' },
    ]);
    expect(wholeFailure(r, '{')).toBeNull();
  });

  it('a zero-token answer is good', () => {
    const r = read(answer({ content: '' }, { usage: { ...USAGE, completion_tokens: 0 } }));
    expect(wholeFailure(r, '{')).toBeNull();
    expect(r.usage!.completion_tokens).toBe(0);
  });
});

describe('a whole answer that failed', () => {
  const kindOf = (text: string) => wholeFailure(read(text), text.slice(0, 512));

  it('an error in a 200 body is the generation failing after it began: stream, with its message', () => {
    const body = JSON.stringify({ id: 'gen-1', error: { code: 502, message: 'Provider disconnected' }, choices: [{ index: 0, finish_reason: 'error', message: { content: '' } }] });
    expect(kindOf(body)).toEqual({ kind: 'stream', message: 'HTTP 200 with an error in the answer 502: Provider disconnected' });
    // OpenRouter's plain error shape, sent with 200, and a choice-level error.
    expect(kindOf('{"error":{"code":429,"message":"Rate limit exceeded"}}')!.kind).toBe('stream');
    expect(kindOf(answer({ content: '' }, { choices: [{ index: 0, error: { code: 500, message: 'boom' }, finish_reason: null, message: { content: '' } }] }))!.message).toMatch(/500: boom/);
  });

  it('finish_reason "error" without an error object is still a failure', () => {
    const body = answer({ content: 'half' }, { choices: [{ index: 0, finish_reason: 'error', native_finish_reason: 'MALFORMED_FUNCTION_CALL', message: { content: 'half' } }] });
    expect(kindOf(body)).toEqual({ kind: 'stream', message: 'finish_reason "error" (MALFORMED_FUNCTION_CALL)' });
  });

  it('JSON cut short is a broken connection (stream); a body that never was JSON will be the same next time (bad_request)', () => {
    const whole = answer({ content: 'Canberra' });
    expect(kindOf(whole.slice(0, 60))).toMatchObject({ kind: 'stream', message: expect.stringMatching(/^the JSON answer is cut off or malformed: /) });
    expect(kindOf('<html><body>502 Bad Gateway</body></html>')).toMatchObject({ kind: 'bad_request', message: expect.stringMatching(/not JSON: 502 Bad Gateway/) });
    expect(kindOf('')).toEqual({ kind: 'stream', message: 'HTTP 200, then the body ended without an answer' });
    expect(kindOf('   \n')).toMatchObject({ kind: 'stream' });
  });

  it('JSON that is not a chat completion is bad_request', () => {
    expect(kindOf('{"data":[1,2,3]}')).toMatchObject({ kind: 'bad_request', message: expect.stringMatching(/not a chat completion/) });
    expect(kindOf('[1,2]')).toMatchObject({ kind: 'bad_request' });
  });

  it('redacts server text before it is quoted', () => {
    const body = '{"error":{"code":502,"message":"upstream said Authorization: Bearer sk-or-v1-abcdefgh12345678"}}';
    const failure = wholeFailure(read(body), body, (t) => t.replace(/sk-or-v1-\w+/g, '[REDACTED]'))!;
    expect(failure.message).not.toContain('sk-or-v1-abcdefgh');
  });

  it('a page or an event stream answering a request without stream says what came', () => {
    expect(notAWholeAnswer(200, 'text/event-stream; charset=utf-8', 'data: {}')).toMatchObject({ kind: 'bad_request', message: expect.stringMatching(/event stream to a request without "stream"/) });
    expect(notAWholeAnswer(200, 'text/html', '<h1>Welcome</h1>')).toMatchObject({ kind: 'bad_request', message: expect.stringMatching(/"text\/html" instead of a JSON answer: Welcome/) });
  });
});

describe('the request body', () => {
  const request = { model: 'a/b', messages: [{ role: 'user' as const, content: 'hi' }], params: { max_tokens: 5, temperature: 0 } };
  it('a stream asks for stream and usage; a whole answer carries neither stream nor stream_options', () => {
    expect(chatBody(request)).toEqual({ ...request.params, model: 'a/b', messages: request.messages, stream: true, usage: { include: true }, stream_options: { include_usage: true } });
    const whole = chatBody({ ...request, stream: false, params: { ...request.params, stream_options: { include_usage: true } } });
    expect(whole).toEqual({ model: 'a/b', messages: request.messages, max_tokens: 5, temperature: 0, usage: { include: true } });
    expect('stream' in whole).toBe(false);
  });
});
