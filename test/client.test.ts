// The streaming client against the simulator's fault modes: every failure becomes the right
// error kind, and each timeout fires within ±10 % of its setting.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { createClient, type Client, type Timeouts } from '../src/provider/client.js';
import { silentLogger } from '../src/log.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';

const KEY = 'sk-or-v1-client-test-key-000000';
const relaxed: Timeouts = { connect_ms: 2000, ttft_ms: 5000, idle_ms: 5000, total_ms: 10_000 };

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, tokens: 8 });
});
afterAll(() => server.close());

function client(timeouts: Timeouts = relaxed, key: string | null = KEY, baseUrl = server.url): Client {
  return createClient({ baseUrl, apiKey: key, headers: {}, connections: 4, timeouts, now: () => performance.now(), logger: silentLogger });
}

const ask = (c: Client, directive = '', model = 'openai/gpt-4o-mini') =>
  c.chat({ model, messages: [{ role: 'user', content: `hello ${directive}` }], params: { max_tokens: 50 } });

describe('status and stream failures map to error kinds', () => {
  const cases: [string, string, number | null][] = [
    ['[[mock: fault=rate_limit]]', 'rate_limit', 429],
    ['[[mock: fault=server status=502]]', 'server', 502],
    ['[[mock: fault=server status=529]]', 'server', 529],
    ['[[mock: fault=credits]]', 'credits', 402],
    ['[[mock: fault=bad_request]]', 'bad_request', 400],
    ['[[mock: fault=midstream_error]]', 'stream', 200],
    ['[[mock: fault=malformed]]', 'stream', 200],
    ['[[mock: fault=reset after=2]]', 'stream', 200],
  ];
  for (const [directive, kind, status] of cases) {
    it(`${directive} → ${kind}`, async () => {
      const c = client();
      const out = await ask(c, directive);
      await c.close();
      expect(out.ok).toBe(false);
      expect(out.error_kind).toBe(kind);
      expect(out.http_status).toBe(status);
      expect(out.error_message).toBeTruthy();
    });
  }

  it('a good stream is ok, with text, usage and a generation id', async () => {
    const c = client();
    const out = await ask(c);
    await c.close();
    expect(out).toMatchObject({ ok: true, http_status: 200, error_kind: null });
    expect(out.stream!.content.length).toBeGreaterThan(0);
    expect(out.stream!.usage!.completion_tokens).toBe(8);
    expect(out.stream!.generation_id).toMatch(/^gen-/);
  });

  it('a zero-token answer is ok with zero tokens, not an error', async () => {
    const c = client();
    const out = await ask(c, '[[mock: fault=empty]]');
    await c.close();
    expect(out.ok).toBe(true);
    expect(out.stream!.content).toBe('');
    expect(out.stream!.usage!.completion_tokens).toBe(0);
  });

  it('an unknown model is a bad request; a wrong key is auth', async () => {
    const c = client();
    expect((await ask(c, '', 'nope/not-a-model')).error_kind).toBe('bad_request');
    await c.close();
    const wrong = client(relaxed, 'sk-or-v1-wrong-key-000000');
    const out = await ask(wrong);
    await wrong.close();
    expect(out.error_kind).toBe('auth');
    expect(out.http_status).toBe(401);
  });

  it('a refused connection is a network error before any byte', async () => {
    const c = client(relaxed, KEY, 'http://127.0.0.1:9/api/v1');
    const out = await ask(c);
    await c.close();
    expect(out.error_kind).toBe('network');
    expect(out.response_started).toBe(false);
  });

  it('reads X-RateLimit-Reset from the error body when the headers have none', async () => {
    // The free-tier daily cap as a third-party fixture shows it: the limits only in the body.
    const reset = Date.now() + 4000;
    const bare = createServer((req, res) => {
      req.resume();
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 429, message: 'Rate limit exceeded: free-models-per-day.', metadata: { headers: { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) } } } }));
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const c = client(relaxed, KEY, `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/v1`);
      const out = await ask(c);
      await c.close();
      expect(out.error_kind).toBe('rate_limit');
      expect(out.retry_after_ms).toBeGreaterThan(3000);
      expect(out.retry_after_ms).toBeLessThanOrEqual(4000);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });

  it('passes Retry-After through as retry_after_ms', async () => {
    const c = client();
    const out = await ask(c, '[[mock: fault=rate_limit retry_after=3]]');
    await c.close();
    expect(out.retry_after_ms).toBe(3000);
  });
});

describe('timeouts fire within ±10 % of their setting', () => {
  const within = (actual: number, target: number) => {
    expect(actual).toBeGreaterThanOrEqual(target * 0.9);
    expect(actual).toBeLessThanOrEqual(target * 1.1);
  };

  it('idle_ms catches a stalled stream', async () => {
    const c = client({ ...relaxed, idle_ms: 400 });
    const out = await ask(c, '[[mock: fault=stall after=2 ms=5000]]');
    await c.close();
    expect(out.error_kind).toBe('timeout');
    expect(out.error_message).toMatch(/idle_ms/);
    expect(out.response_started).toBe(true);
    within(out.ended_at - out.stream!.last_token_at!, 400);
  });

  it('ttft_ms catches a model that never starts', async () => {
    const c = client({ ...relaxed, ttft_ms: 300 });
    const out = await ask(c, '[[mock: ttft=3000]]');
    await c.close();
    expect(out.error_kind).toBe('timeout');
    expect(out.error_message).toMatch(/ttft_ms/);
    within(out.ended_at - out.sent_at, 300);
  });

  it('ttft_ms counts from the socket: a wait for a pooled connection is not the model being slow', async () => {
    // One connection: the second request waits ~500 ms for the first stream to end, then starts
    // at once. Its first token comes 5 ms after it is sent, well inside ttft_ms 300.
    const c = createClient({ baseUrl: server.url, apiKey: KEY, headers: {}, connections: 1, timeouts: { ...relaxed, ttft_ms: 300 }, now: () => performance.now(), logger: silentLogger });
    const [slow, queued] = await Promise.all([ask(c, '[[mock: ttft=100 itl=50 tokens=8]]'), ask(c, '[[mock: ttft=5]]')]);
    await c.close();
    expect(slow.ok).toBe(true);
    expect(queued).toMatchObject({ ok: true, error_kind: null });
    expect(queued.sent_at - slow.sent_at).toBeGreaterThan(300);
  });

  it('connect_ms catches a host that never completes the handshake', async () => {
    // A listener whose process is blocked never accepts; once its accept queue is full the
    // kernel drops new SYNs, so a connect hangs exactly like one to a black-holed host.
    // The port is written synchronously, then the process blocks at once: once the test has
    // read the port, nothing will ever accept.
    const child = spawn(process.execPath, ['-e', `
      const s = require('node:net').createServer().listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
        require('node:fs').writeSync(1, s.address().port + '\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      });`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const fillers: Socket[] = [];
    try {
      const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
      // Fill the queue until a connect hangs.
      for (let i = 0; i < 10; i++) {
        const socket = connect(port, '127.0.0.1');
        fillers.push(socket);
        const hung = await new Promise<boolean>((resolve) => {
          socket.once('connect', () => resolve(false));
          setTimeout(() => resolve(true), 200);
        });
        if (hung) break;
      }
      const c = client({ ...relaxed, connect_ms: 500 }, KEY, `http://127.0.0.1:${port}/api/v1`);
      const out = await ask(c);
      await c.close();
      expect(out.error_kind).toBe('timeout');
      expect(out.error_message).toMatch(/connect_ms 500/);
      expect(out.response_started).toBe(false);
      within(out.ended_at - out.sent_at, 500);
    } finally {
      for (const socket of fillers) socket.destroy();
      child.kill('SIGKILL');
    }
  });

  it('total_ms bounds a slow but steady stream', async () => {
    const c = client({ ...relaxed, total_ms: 500 });
    const out = await ask(c, '[[mock: ttft=0 itl=50 tokens=200]]');
    await c.close();
    expect(out.error_kind).toBe('timeout');
    expect(out.error_message).toMatch(/total_ms/);
    within(out.ended_at - out.sent_at, 500);
  });
});
