// The simulator against real HTTP on loopback: wire shapes, determinism, accounting, every fault
// kind with its `times=k` behaviour, the request log, and many concurrent streams.
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { price } from '../src/mock/accounting.js';
import { DirectiveError, parseDirective } from '../src/mock/directive.js';
import { now } from '../src/mock/log.js';
import { CATALOG, startMockServer, type MockServer } from '../src/mock/server.js';
import { waitFor } from './helpers/wait.js';

// Loose on purpose: the tests assert on wire shapes, not on our own types.
type Json = Record<string, any>;

interface Sse {
  status: number;
  headers: Headers;
  comments: number;
  events: Json[];
  malformed: string[];
  done: boolean;
  content: string;
  reasoning: string;
  /** The last chunk carrying usage. */
  usage: Json | null;
}

/** Minimal SSE reading for tests: events are separated by a blank line; `:` lines are comments. */
function parseSse(status: number, headers: Headers, text: string): Sse {
  const out: Sse = { status, headers, comments: 0, events: [], malformed: [], done: false, content: '', reasoning: '', usage: null };
  for (const block of text.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) out.comments++;
      else if (line.startsWith('data: ')) {
        const payload = line.slice(6);
        if (payload === '[DONE]') out.done = true;
        else {
          try {
            out.events.push(JSON.parse(payload) as Json);
          } catch {
            out.malformed.push(payload);
          }
        }
      }
    }
  }
  for (const e of out.events) {
    out.content += e.choices?.[0]?.delta?.content ?? '';
    out.reasoning += e.choices?.[0]?.delta?.reasoning ?? '';
    if (e.usage) out.usage = e.usage as Json;
  }
  return out;
}

const body = (content: string, extra: Json = {}): Json => ({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content }],
  stream: true,
  max_tokens: 200,
  ...extra,
});

async function post(server: MockServer, payload: Json | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

async function chat(server: MockServer, payload: Json | string, headers: Record<string, string> = {}): Promise<Sse> {
  const res = await post(server, payload, headers);
  return parseSse(res.status, res.headers, await res.text());
}

async function generation(server: MockServer, id: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${server.url}/generation?id=${encodeURIComponent(id)}`, { headers });
  return { status: res.status, json: (await res.json()) as Json };
}

/** /generation once the record is there (the simulator answers 404 until generationDelayMs after the stream). */
const ready = (server: MockServer, id: string) =>
  waitFor(async () => {
    const answer = await generation(server, id);
    return answer.status === 200 ? answer : null;
  }, { what: `/generation ${id}` });

interface Raw {
  status: number;
  /** Data pieces as they arrived, with the client's clock. */
  pieces: { at: number; text: string }[];
  error: string | null;
  closedAt: number;
}

/** node:http, so a test can see partial bodies and how the connection ended. */
function rawChat(server: MockServer, payload: Json): Promise<Raw> {
  return new Promise((resolve) => {
    let answered = false;
    const req = httpRequest(`${server.url}/chat/completions`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      answered = true;
      const pieces: Raw['pieces'] = [];
      let error: string | null = null;
      res.on('data', (d: Buffer) => pieces.push({ at: performance.now(), text: d.toString() }));
      res.on('error', (e) => (error = e.message));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, pieces, error: error ?? (res.complete ? null : 'incomplete'), closedAt: performance.now() }));
    });
    // Node 22+ also reports a reset that comes after the response on the request: the response's
    // own 'close' tells that story, with its status and the bytes that came.
    req.on('error', (e) => {
      if (!answered) resolve({ status: 0, pieces: [], error: e.message, closedAt: performance.now() });
    });
    req.end(JSON.stringify(payload));
  });
}

let fast: MockServer;
beforeAll(async () => {
  fast = await startMockServer({ ttftMs: 0, itlMs: 0, generationDelayMs: 100 });
});
afterAll(() => fast.close());

describe('stream shape', () => {
  it('speaks the 2026 chunk format, finish chunk twice with usage on the second, then [DONE]', async () => {
    const out = await chat(fast, body('Hello there'));
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toBe('text/event-stream');
    expect(out.comments).toBeGreaterThanOrEqual(1);
    expect(out.done).toBe(true);
    const first = out.events[0]!;
    expect(first.id).toMatch(/^gen-\d{10}-[A-Za-z0-9]{20}$/);
    expect(out.headers.get('x-generation-id')).toBe(first.id);
    expect(Object.keys(first)).toEqual(['id', 'object', 'created', 'model', 'provider', 'system_fingerprint', 'choices']);
    expect(first).toMatchObject({ object: 'chat.completion.chunk', model: 'openai/gpt-4o-mini-2024-07-18', system_fingerprint: expect.any(String) });
    expect(['Azure', 'OpenAI']).toContain(first.provider);
    expect(first.choices).toEqual([{ index: 0, delta: { content: expect.any(String), role: 'assistant' }, finish_reason: null, native_finish_reason: null }]);
    expect(out.events.every((e) => e.id === first.id)).toBe(true);
    const [a, b] = out.events.slice(-2);
    expect(a!.choices[0]).toEqual({ index: 0, delta: { content: '', role: 'assistant' }, finish_reason: 'stop', native_finish_reason: 'stop' });
    expect(b!.choices).toEqual(a!.choices);
    expect(a!.usage).toBeUndefined();
    expect(Object.keys(b!.usage)).toEqual(['prompt_tokens', 'completion_tokens', 'total_tokens', 'cost', 'is_byok', 'prompt_tokens_details', 'cost_details', 'completion_tokens_details']);
    expect(out.usage!.completion_tokens).toBe(out.events.length - 2);
    expect(out.content.startsWith(' ')).toBe(false);
  });

  it('puts one keep-alive comment in the middle of a longer stream', async () => {
    const res = await post(fast, body('long [[mock: tokens=40]]'));
    const text = await res.text();
    const firstData = text.indexOf('data:');
    expect(text.slice(0, firstData)).toBe(': OPENROUTER PROCESSING\n\n');
    expect(text.slice(firstData)).toContain('\n\n: OPENROUTER PROCESSING\n\ndata:');
  });

  it('reasoning models stream reasoning first (content ""), then the content', async () => {
    const out = await chat(fast, body('Why?', { model: 'deepseek/deepseek-r1' }));
    const firstDelta = out.events[0]!.choices[0].delta;
    expect(firstDelta).toEqual({ content: '', role: 'assistant', reasoning: expect.any(String), reasoning_details: [{ type: 'reasoning.text', text: firstDelta.reasoning, format: 'unknown', index: 0 }] });
    const kinds = out.events.slice(0, -2).map((e) => (e.choices[0].delta.reasoning !== undefined ? 'r' : 'c')).join('');
    expect(kinds).toMatch(/^r+c+$/);
    const reasoningTokens = kinds.split('r').length - 1;
    expect(out.usage!.completion_tokens_details.reasoning_tokens).toBe(reasoningTokens);
    expect(out.usage!.completion_tokens).toBe(kinds.length);
  });

  it('Claude reasons only when asked', async () => {
    const plain = await chat(fast, body('Think?', { model: 'anthropic/claude-sonnet-4.5' }));
    expect(plain.reasoning).toBe('');
    expect(plain.events.at(-1)!.choices[0].native_finish_reason).toBe('end_turn');
    const asked = await chat(fast, body('Think?', { model: 'anthropic/claude-sonnet-4.5', reasoning: { effort: 'low' } }));
    expect(asked.reasoning.length).toBeGreaterThan(0);
    expect(asked.events[0]!.choices[0].delta.reasoning_details[0].format).toBe('anthropic-claude-v1');
  });

  it('honours max_tokens and max_completion_tokens with finish_reason length', async () => {
    const capped = await chat(fast, body('x [[mock: tokens=50]]', { max_tokens: 5 }));
    expect(capped.usage!.completion_tokens).toBe(5);
    expect(capped.events.at(-1)!.choices[0].finish_reason).toBe('length');
    const alt = await chat(fast, { model: 'openai/gpt-4o-mini', stream: true, max_completion_tokens: 7, messages: [{ role: 'user', content: 'y [[mock: tokens=50]]' }] });
    expect(alt.usage!.completion_tokens).toBe(7);
    const fits = await chat(fast, body('z [[mock: tokens=5]]', { max_tokens: 5 }));
    expect(fits.events.at(-1)!.choices[0].finish_reason).toBe('stop');
  });
});

describe('determinism', () => {
  it('the same request gives the same text; another seed or message gives other text', async () => {
    const a = await chat(fast, body('Tell me a fact.', { seed: 1 }));
    const b = await chat(fast, body('Tell me a fact.', { seed: 1 }));
    const c = await chat(fast, body('Tell me a fact.', { seed: 2 }));
    const d = await chat(fast, body('Tell me another fact.', { seed: 1 }));
    expect(a.content.length).toBeGreaterThan(0);
    expect(b.content).toBe(a.content);
    expect(c.content).not.toBe(a.content);
    expect(d.content).not.toBe(a.content);
  });

  it('a reply directive makes the answer exactly that text, one token per word', async () => {
    const out = await chat(fast, body('Say it [[mock: reply="Paris is the capital."]]'));
    expect(out.content).toBe('Paris is the capital.');
    expect(out.usage!.completion_tokens).toBe(4);
  });

  it('mock/echo repeats the last user message without the directive', async () => {
    const out = await chat(fast, body('ping pong [[mock: ttft=0]]', { model: 'mock/echo' }));
    expect(out.content).toBe('ping pong');
    expect(out.usage!.cost).toBe(0);
  });
});

describe('accounting', () => {
  // 46 characters, one message: ceil(46 / 4) + 3 = 15 usage prompt tokens; 3 completion tokens.
  const PROMPT = 'Price check [[mock: reply="alpha beta gamma"]]';

  it('usage counts follow the rule; /generation 404s, then reports native counts and exact cost', async () => {
    expect(PROMPT.length).toBe(46);
    const out = await chat(fast, body(PROMPT));
    expect(out.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 3, total_tokens: 18, is_byok: false });
    // The amount charged, on the native counts (20 prompt, 4 completion): 20 × 0.00000015 + 4 × 0.0000006
    expect(out.usage!.cost).toBe(0.0000054);
    expect(out.usage!.cost_details).toEqual({ upstream_inference_cost: 0.0000054, upstream_inference_prompt_cost: 0.000003, upstream_inference_completions_cost: 0.0000024 });
    const id = out.events[0]!.id as string;

    const early = await generation(fast, id);
    expect(early).toEqual({ status: 404, json: { error: { code: 404, message: 'Resource not found' } } });
    const { json } = await ready(fast, id);
    // native = usage + 5 prompt, + 1 completion: 20 × 0.00000015 + 4 × 0.0000006
    expect(json.data).toMatchObject({ id, native_tokens_prompt: 20, native_tokens_completion: 4, tokens_prompt: 15, tokens_completion: 3 });
    expect(json.data.total_cost).toBe(0.0000054);
    expect(json.data.usage).toBe(0.0000054);
  });

  it('/generation carries every field of the documented example', async () => {
    const out = await chat(fast, body('fields', { user: 'agent-lab' }));
    const { json } = await ready(fast, out.events[0]!.id as string);
    const documented = [
      'api_type', 'app_id', 'cache_discount', 'cancelled', 'created_at', 'data_region', 'external_user', 'finish_reason',
      'generation_time', 'http_referer', 'id', 'is_byok', 'latency', 'model', 'moderation_latency', 'native_finish_reason',
      'native_tokens_cached', 'native_tokens_completion', 'native_tokens_completion_images', 'native_tokens_prompt',
      'native_tokens_reasoning', 'num_fetches', 'num_input_audio_prompt', 'num_media_completion', 'num_media_prompt',
      'num_search_results', 'origin', 'preset_id', 'provider_name', 'provider_responses', 'request_id', 'router',
      'service_tier', 'session_id', 'streamed', 'tokens_completion', 'tokens_prompt', 'total_cost', 'upstream_id',
      'upstream_inference_cost', 'usage', 'user_agent', 'web_search_engine',
    ];
    expect(Object.keys(json.data).sort()).toEqual(documented.sort());
    expect(json.data).toMatchObject({ model: 'openai/gpt-4o-mini-2024-07-18', streamed: true, cancelled: false, finish_reason: 'stop', external_user: 'agent-lab', native_tokens_reasoning: 0 });
    expect(typeof json.data.usage).toBe('number');
    expect(Number.isInteger(json.data.latency) && Number.isInteger(json.data.generation_time)).toBe(true);
    expect(new Date(json.data.created_at as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('native_tokens_reasoning counts the reasoning tokens streamed', async () => {
    const out = await chat(fast, body('reason [[mock: reasoning=7 tokens=4]]', { model: 'deepseek/deepseek-r1' }));
    expect(out.usage!.completion_tokens_details.reasoning_tokens).toBe(7);
    expect(out.usage!.completion_tokens).toBe(11);
    const { json } = await ready(fast, out.events[0]!.id as string);
    expect(json.data).toMatchObject({ native_tokens_reasoning: 7, native_tokens_completion: 12 });
  });

  it('prices internal_reasoning tokens when the model lists that price', () => {
    const cost = price({ prompt: '0.000001', completion: '0.000002', internal_reasoning: '0.000003' }, { prompt: 10, completion: 5, reasoning: 2 });
    expect(cost.total.toNumber()).toBe(0.000026);
  });
});

describe('/models', () => {
  it('lists the catalog in the real shape with per-token decimal strings and no zero keys', async () => {
    const res = await fetch(`${fast.url}/models`);
    const json = (await res.json()) as Json;
    expect(json.total_count).toBe(CATALOG.length);
    expect(json.links).toEqual({ next: null });
    for (const m of json.data as Json[]) {
      expect(m).toMatchObject({ id: expect.any(String), canonical_slug: expect.any(String), per_request_limits: null, default_parameters: {} });
      expect(Object.keys(m.architecture)).toEqual(['modality', 'input_modalities', 'output_modalities', 'tokenizer', 'instruct_type']);
      expect(Object.keys(m.top_provider)).toEqual(['context_length', 'max_completion_tokens', 'is_moderated']);
      expect(m.links.details).toBe(`/api/v1/models/${m.canonical_slug}/endpoints`);
      for (const [key, value] of Object.entries(m.pricing as Record<string, unknown>)) {
        expect(value).toMatch(/^\d+(\.\d+)?$/);
        if (key !== 'prompt' && key !== 'completion') expect(Number(value)).not.toBe(0);
      }
    }
    const byId = new Map((json.data as Json[]).map((m) => [m.id, m]));
    expect(byId.get('openai/gpt-4o-mini')!.pricing).toEqual({ prompt: '0.00000015', completion: '0.0000006', input_cache_read: '0.000000075' });
    expect(byId.get('mock/echo')!.pricing).toEqual({ prompt: '0', completion: '0' });
    expect(byId.get('deepseek/deepseek-r1')!.reasoning.mandatory).toBe(true);
    expect(byId.get('openai/gpt-4o-mini')!.reasoning).toBeUndefined();
  });
});

describe('bad requests', () => {
  it('rejects an unknown model and bad JSON with 400; answers a request without stream with one JSON body', async () => {
    const unknown = await post(fast, body('hi', { model: 'nope/not-a-model' }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: { code: 400, message: 'nope/not-a-model is not a valid model ID' } });
    const nonStream = await post(fast, body('hi', { stream: false }));
    expect(nonStream.status).toBe(200);
    expect(nonStream.headers.get('content-type')).toBe('application/json');
    const whole = (await nonStream.json()) as Json;
    expect(whole).toMatchObject({ object: 'chat.completion', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }], usage: { completion_tokens: expect.any(Number) } });
    expect(whole.choices[0].message.content.length).toBeGreaterThan(0);
    expect((await post(fast, '{"model":')).status).toBe(400);
    expect((await post(fast, '')).status).toBe(400);
  });

  it('rejects a directive it cannot read, naming the problem', async () => {
    const res = await post(fast, body('hi [[mock: fault=explode]]'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error.message).toMatch(/unknown fault `explode`/);
    expect(() => parseDirective('rate_limit retry-after=3')).toThrow(DirectiveError);
    expect(() => parseDirective('times=2')).toThrow(/needs a `fault=`/);
    expect(parseDirective('rate_limit times=1 ttft=0')).toMatchObject({ ttft: 0, fault: { kind: 'rate_limit', times: 1 } });
  });
});

describe('faults fail the first `times` attempts of an identical request, then it succeeds', () => {
  const preStream: [string, number][] = [
    ['rate_limit', 429],
    ['server status=500', 500],
    ['server status=502', 502],
    ['server status=503', 503],
    ['server status=524', 524],
    ['server status=529', 529],
    ['auth', 401],
    ['credits', 402],
    ['bad_request', 400],
  ];
  for (const [fault, status] of preStream) {
    it(`${fault} → ${status} twice, then 200`, async () => {
      const payload = body(`pre-stream [[mock: fault=${fault} times=2]]`);
      for (const attempt of [1, 2]) {
        const res = await post(fast, payload);
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toBe('application/json');
        const json = (await res.json()) as Json;
        expect(json.error).toMatchObject({ code: status, message: expect.any(String) });
        expect(fast.requests.at(-1)).toMatchObject({ attempt, status, fault: fault.split(' ')[0], generation_id: null });
      }
      const ok = await chat(fast, payload);
      expect(ok.status).toBe(200);
      expect(ok.done).toBe(true);
      expect(fast.requests.at(-1)).toMatchObject({ attempt: 3, status: 200, fault: null });
    });
  }

  it('without times a fault never clears', async () => {
    const payload = body('forever [[mock: fault=rate_limit]]');
    for (let i = 0; i < 3; i++) expect((await post(fast, payload)).status).toBe(429);
  });

  it('rate_limit sends Retry-After and X-RateLimit-Reset in epoch ms', async () => {
    const res = await post(fast, body('slow down [[mock: fault=rate_limit retry_after=2 reset_ms=5000]]'));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(Math.abs(reset - (Date.now() + 5000))).toBeLessThan(1000);
    const plain = await post(fast, body('upstream [[mock: fault=rate_limit]]'));
    expect(plain.headers.get('retry-after')).toBeNull();
    expect(((await plain.json()) as Json).error.metadata.provider_name).toBeTruthy();
  });

  it('midstream_error: 200, tokens, an error chunk with finish_reason error, [DONE]; then ok', async () => {
    const payload = body('mid [[mock: fault=midstream_error after=3 times=1 tokens=10]]');
    const bad = await chat(fast, payload);
    expect(bad.status).toBe(200);
    expect(bad.done).toBe(true);
    const last = bad.events.at(-1)!;
    expect(last.error).toMatchObject({ code: 502, message: expect.any(String) });
    expect(last.choices[0]).toMatchObject({ finish_reason: 'error' });
    expect(bad.events.length).toBe(4);
    expect(bad.usage).toBeNull();
    const good = await chat(fast, payload);
    expect(good.events.some((e) => e.error)).toBe(false);
    expect(good.usage!.completion_tokens).toBe(10);
  });

  it('reset destroys the socket after `after` tokens', async () => {
    const raw = await rawChat(fast, body('cut [[mock: fault=reset after=2 tokens=10]]'));
    expect(raw.status).toBe(200);
    expect(raw.error).not.toBeNull();
    const parsed = parseSse(200, new Headers(), raw.pieces.map((p) => p.text).join(''));
    expect(parsed.events.length).toBe(2);
    expect(parsed.done).toBe(false);
    expect(fast.requests.at(-1)).toMatchObject({ fault: 'reset', completion_tokens: 2 });
  });

  it('stall keeps the socket open and silent for `ms`, then ends without [DONE]', async () => {
    const raw = await rawChat(fast, body('wait [[mock: fault=stall after=2 ms=600 tokens=10]]'));
    const text = raw.pieces.map((p) => p.text).join('');
    const parsed = parseSse(200, new Headers(), text);
    expect(parsed.events.length).toBe(2);
    expect(parsed.done).toBe(false);
    const lastData = raw.pieces.filter((p) => p.text.length > 0).at(-1)!.at;
    const firstData = raw.pieces[0]!.at;
    expect(lastData - firstData).toBeLessThan(100);
    expect(raw.closedAt - firstData).toBeGreaterThanOrEqual(550);
  });

  it('malformed puts a non-JSON data line mid-stream and carries on', async () => {
    const out = await chat(fast, body('garble [[mock: fault=malformed after=2 tokens=6]]'));
    expect(out.malformed).toEqual(['{not json']);
    expect(out.done).toBe(true);
    expect(out.usage!.completion_tokens).toBe(6);
  });

  it('empty gives zero tokens with finish stop', async () => {
    const out = await chat(fast, body('nothing [[mock: fault=empty]]'));
    expect(out.content).toBe('');
    expect(out.usage!.completion_tokens).toBe(0);
    expect(out.events.at(-1)!.choices[0].finish_reason).toBe('stop');
    expect(fast.requests.at(-1)!.first_token_at).toBeNull();
  });

  it('generation_delay and generation_never hold /generation back', async () => {
    const delayed = await chat(fast, body('late [[mock: fault=generation_delay ms=500]]'));
    const endedAt = fast.requests.at(-1)!.end_at!;
    const never = await chat(fast, body('never [[mock: fault=generation_never]]'));
    // Polled until it answers; the server's own clock says when the first 200 came: not before
    // 500 ms after the stream ended (the server's default delay here is 100 ms).
    await ready(fast, delayed.events[0]!.id as string);
    expect(now() - endedAt).toBeGreaterThanOrEqual(500);
    expect((await generation(fast, never.events[0]!.id as string)).status).toBe(404);
    expect((await generation(fast, 'gen-0-unknownunknownunkno')).status).toBe(404);
  });

  it('cost_mismatch doubles /generation total_cost only', async () => {
    // 66 characters: usage 17 + 3 = 20 prompt tokens, native 25; 3 completion tokens, native 4.
    const prompt = 'Price check [[mock: reply="alpha beta gamma" fault=cost_mismatch]]';
    expect(prompt.length).toBe(66);
    const out = await chat(fast, body(prompt));
    expect(out.usage!.cost).toBe(0.00000615); // 25 × 0.00000015 + 4 × 0.0000006 (native counts)
    const { json } = await ready(fast, out.events[0]!.id as string);
    expect(json.data.total_cost).toBe(0.0000123); // 2 × (25 × 0.00000015 + 4 × 0.0000006)
  });

  it('fallback serves another model, priced as that model', async () => {
    const out = await chat(fast, body('switch [[mock: fault=fallback model=google/gemini-2.5-flash]]'));
    expect(out.events[0]!.model).toBe('google/gemini-2.5-flash-20250617');
    expect(['Google AI Studio', 'Google']).toContain(out.events[0]!.provider);
    expect(fast.requests.at(-1)).toMatchObject({ model: 'openai/gpt-4o-mini', served_model: 'google/gemini-2.5-flash-20250617', fault: 'fallback' });
  });

  it('the X-Mock-Fault header and the server-wide fault option work like a directive', async () => {
    const payload = body('by header');
    expect((await post(fast, payload, { 'x-mock-fault': 'server status=503 times=1' })).status).toBe(503);
    expect((await post(fast, payload, { 'x-mock-fault': 'server status=503 times=1' })).status).toBe(200);
    const wide = await startMockServer({ ttftMs: 0, itlMs: 0, fault: 'rate_limit times=1' });
    try {
      const p = body('server-wide [[mock: tokens=3]]');
      expect((await post(wide, p)).status).toBe(429);
      const ok = await chat(wide, p);
      expect(ok.usage!.completion_tokens).toBe(3);
    } finally {
      await wide.close();
    }
    await expect(startMockServer({ fault: 'no_such_fault' })).rejects.toThrow(/unknown fault/);
  });
});

describe('timing', () => {
  it('follows ttft and itl; the log records when the server wrote the first token and the end', async () => {
    const server = await startMockServer({ ttftMs: 150, itlMs: 10, tokens: 10 });
    try {
      const t0 = performance.timeOrigin + performance.now();
      const out = await chat(server, body('timed'));
      expect(out.usage!.completion_tokens).toBe(10);
      const log = server.requests[0]!;
      expect(log.received_at).toBeGreaterThanOrEqual(t0 - 1);
      expect(log.first_byte_at! - log.received_at).toBeLessThan(50);
      expect(log.first_token_at! - log.received_at).toBeGreaterThanOrEqual(148);
      expect(log.first_token_at! - log.received_at).toBeLessThan(250);
      expect(log.end_at! - log.first_token_at!).toBeGreaterThanOrEqual(85);
      expect(log.end_at! - log.first_token_at!).toBeLessThan(250);
      expect(log.first_content_at).toBe(log.first_token_at);
    } finally {
      await server.close();
    }
  });

  it('a directive overrides the server timing', async () => {
    const server = await startMockServer({ ttftMs: 5000, itlMs: 100 });
    try {
      const started = performance.now();
      const out = await chat(server, body('quick [[mock: ttft=0 itl=0 tokens=20]]'));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(out.usage!.completion_tokens).toBe(20);
    } finally {
      await server.close();
    }
  });

  it('close() ends streams in flight at once', async () => {
    const server = await startMockServer({ ttftMs: 0, itlMs: 0 });
    const pending = rawChat(server, body('hang [[mock: fault=stall after=1 ms=60000]]'));
    // Stalled after its first token.
    await waitFor(() => server.requests[0]?.first_token_at, { what: 'the first token' });
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await pending).error).not.toBeNull();
  });
});

describe('api key', () => {
  const KEY = 'sk-or-v1-mock-test-key-0123456789';
  let keyed: MockServer;
  beforeAll(async () => {
    keyed = await startMockServer({ ttftMs: 0, itlMs: 0, generationDelayMs: 0, apiKey: KEY });
  });
  afterAll(() => keyed.close());

  it('answers 401 without the right bearer key, on chat and /generation', async () => {
    const missing = await post(keyed, body('hi'));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { code: 401, message: 'No auth credentials found' } });
    expect((await post(keyed, body('hi'), { authorization: 'Bearer sk-or-v1-wrong' })).status).toBe(401);
    const ok = await chat(keyed, body('hi'), { authorization: `Bearer ${KEY}` });
    expect(ok.status).toBe(200);
    const id = ok.events[0]!.id as string;
    expect((await generation(keyed, id)).status).toBe(401);
    expect((await generation(keyed, id, { authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect(keyed.requests.map((r) => r.authorization_present)).toEqual([false, true, true]);
    expect(JSON.stringify(keyed.requests)).not.toContain(KEY);
  });
});

describe('request log', () => {
  it('records one entry per chat request with counts and times, never text or keys', async () => {
    const server = await startMockServer({ ttftMs: 0, itlMs: 0 });
    try {
      const payload = JSON.stringify(body('log me [[mock: tokens=5]]'));
      const out = await chat(server, payload, { 'x-agent-lab-job': 'job-123', authorization: 'Bearer secret-value' });
      await post(server, body('x', { model: 'nope/nope' }));
      const [entry, rejected] = server.requests;
      expect(entry).toMatchObject({
        seq: 1,
        model: 'openai/gpt-4o-mini',
        served_model: 'openai/gpt-4o-mini-2024-07-18',
        body_sha256: createHash('sha256').update(payload).digest('hex'),
        attempt: 1,
        fault: null,
        status: 200,
        generation_id: out.events[0]!.id,
        completion_tokens: 5,
        reasoning_tokens: 0,
        authorization_present: true,
        job: 'job-123',
      });
      expect(entry!.received_at).toBeLessThanOrEqual(entry!.first_byte_at!);
      expect(entry!.first_byte_at!).toBeLessThanOrEqual(entry!.first_token_at!);
      expect(entry!.first_token_at!).toBeLessThanOrEqual(entry!.end_at!);
      expect(Math.abs(entry!.received_at - Date.now())).toBeLessThan(5000);
      expect(rejected).toMatchObject({ seq: 2, status: 400, model: 'nope/nope', generation_id: null, job: null });
      expect(JSON.stringify(server.requests)).not.toMatch(/secret-value|log me/);

      const res = await fetch(server.url.replace('/api/v1', '/__mock/requests'));
      expect(await res.json()).toEqual(JSON.parse(JSON.stringify(server.requests)));
      const since = await fetch(server.url.replace('/api/v1', '/__mock/requests?since=1'));
      expect(((await since.json()) as Json[]).map((r) => r.seq)).toEqual([2]);

      await fetch(server.url.replace('/api/v1', '/__mock/reset'), { method: 'POST' });
      expect(server.requests).toHaveLength(0);
      await chat(server, payload);
      expect(server.requests[0]).toMatchObject({ seq: 3, attempt: 1 });
    } finally {
      await server.close();
    }
  });

  it('keeps at most logLimit entries, dropping the oldest', async () => {
    const server = await startMockServer({ ttftMs: 0, itlMs: 0, logLimit: 10 });
    try {
      for (let i = 0; i < 25; i++) await chat(server, body(`n${i} [[mock: tokens=1]]`));
      expect(server.requests.length).toBeLessThanOrEqual(10);
      expect(server.requests.at(-1)!.seq).toBe(25);
    } finally {
      await server.close();
    }
  });
});

describe('load', () => {
  it('200 concurrent streams all complete', async () => {
    const server = await startMockServer({ ttftMs: 50, itlMs: 5, tokens: 20 });
    try {
      const outs = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(server, body(`concurrent ${i}`))));
      expect(outs.every((o) => o.status === 200 && o.done && o.usage?.completion_tokens === 20)).toBe(true);
      expect(new Set(outs.map((o) => o.events[0]!.id)).size).toBe(200);
      expect(server.requests).toHaveLength(200);
      expect(server.requests.every((r) => r.end_at !== null && r.status === 200)).toBe(true);
    } finally {
      await server.close();
    }
  });
});
