// Issue 15.5 and issue 19 "truthful errors": the client against loopback servers written to
// misbehave. Each answer gets the kind that decides its retries rightly (nothing non-transient
// is tried four times) and a message that says what arrived.
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type Client, type Timeouts } from '../src/provider/client.js';
import { runJob, type RetryPolicy } from '../src/exec/job.js';
import { retryAfterMs } from '../src/provider/retry-after.js';
import { parseSse } from '../src/provider/sse.js';
import { silentLogger } from '../src/log.js';
import { contentEvent, finishEvents, hostileServer, type Handler, type Hostile } from './helpers/hostile.js';
import { job } from './helpers/jobs.js';

const relaxed: Timeouts = { connect_ms: 2000, ttft_ms: 5000, idle_ms: 5000, total_ms: 10_000 };
const retry: RetryPolicy = { max_attempts: 4, base_delay_ms: 10, max_delay_ms: 50, max_retry_time_ms: 300_000, retry_midstream: true };

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

async function serve(handler: Handler): Promise<Hostile> {
  const server = await hostileServer(handler);
  open.push(server);
  return server;
}

function client(server: { url: string }, timeouts = relaxed, maxResponseBytes: number | null = null): Client {
  const c = createClient({ baseUrl: server.url, apiKey: 'sk-or-v1-hostile-0000000000', headers: {}, connections: 2, timeouts, maxResponseBytes, now: () => performance.now(), logger: silentLogger });
  open.push(c);
  return c;
}

const ask = (c: Client, max_tokens = 64) => c.chat({ model: 'hostile/model', messages: [{ role: 'user', content: 'hi' }], params: { max_tokens } });

/** The job as the runner runs it: every retry the kind allows, with tiny back-off. */
const runOnce = (c: Client, policy: RetryPolicy = retry) =>
  runJob(job({ params: { max_tokens: 64 } }), { client: c, retry: policy, run_id: 'r', now: () => performance.now(), date: () => new Date(), random: () => 0.5 }, performance.now());

const chats = (server: Hostile) => server.requests.filter((r) => r.path === '/chat/completions').length;

describe('redirects are never followed and never retried', () => {
  for (const status of [301, 302, 307, 308]) {
    it(`${status} → bad_request at once, naming the Location and base_url`, async () => {
      const elsewhere = await serve((_, res) => res.end('should never be reached'));
      const server = await serve((_, res) => {
        res.writeHead(status, { location: `${elsewhere.url}/chat/completions` });
        res.end('moved');
      });
      const row = await runOnce(client(server));
      expect(row).toMatchObject({ status: 'error', error_kind: 'bad_request', http_status: status, attempts: 1 });
      expect(row.error_message).toContain(`to ${elsewhere.url}/chat/completions`);
      expect(row.error_message).toMatch(/not followed.*base_url/);
      expect(chats(server)).toBe(1);
      expect(elsewhere.requests.length).toBe(0);
    });
  }
});

describe('Retry-After', () => {
  it('past the retry budget: rate_limit after one attempt, saying how long the server asked for', async () => {
    const server = await serve((_, res) => {
      res.writeHead(429, { 'retry-after': '999999', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 429, message: 'Rate limit exceeded' } }));
    });
    const started = performance.now();
    const row = await runOnce(client(server));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(row).toMatchObject({ error_kind: 'rate_limit', attempts: 1 });
    expect(row.error_message).toBe('Rate limit exceeded; not retried: the server asked to wait 11.6 days, past retry.max_retry_time_ms (5 min)');
  });

  it('negative or garbage is no advice (back-off applies), never a date that means "now"', () => {
    const now = Date.UTC(2026, 0, 1);
    for (const value of ['-5', '-0.5', 'soon', '12abc', '']) expect(retryAfterMs({ 'retry-after': value }, now), value).toBeNull();
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
    expect(retryAfterMs({ 'retry-after': 'Thursday, 01-Jan-26 00:00:05 GMT' }, now)).toBe(5000);
  });

  it('-5 on a 503 leaves the back-off in place: the retries are spaced, not immediate', async () => {
    const times: number[] = [];
    const server = await serve((_, res) => {
      times.push(performance.now());
      res.writeHead(503, { 'retry-after': '-5' });
      res.end('busy');
    });
    const row = await runOnce(client(server), { ...retry, max_attempts: 3, base_delay_ms: 200, max_delay_ms: 200 });
    expect(row).toMatchObject({ error_kind: 'server', attempts: 3 });
    // random() = 0.5: half of min(200, 200·2^(n−1)) = 100 ms before each retry.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(90);
  });
});

describe('bodies that are not an event stream', () => {
  it('an HTML page with 200 → bad_request with the page text and a base_url hint, one attempt', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Sign in</title><style>p{}</style></head><body><h1>Corporate portal</h1></body></html>');
    });
    const row = await runOnce(client(server));
    expect(row).toMatchObject({ error_kind: 'bad_request', http_status: 200, attempts: 1 });
    expect(row.error_message).toMatch(/^HTTP 200 with "text\/html" instead of an event stream: Sign in Corporate portal; base_url must be the API root/);
  });

  it('an HTML 502 page → server (retried, it is a gateway fault) with its text', async () => {
    const server = await serve((_, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    });
    const out = await ask(client(server));
    expect(out).toMatchObject({ error_kind: 'server', http_status: 502, error_message: 'HTTP 502 Bad Gateway: 502 Bad Gateway nginx' });
  });

  it('a whole non-stream JSON answer → bad_request: the endpoint ignored stream: true', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Paris' } }] }));
    });
    const row = await runOnce(client(server));
    expect(row).toMatchObject({ error_kind: 'bad_request', attempts: 1 });
    expect(row.error_message).toMatch(/a whole answer \(chat\.completion\); the endpoint ignored "stream": true/);
  });

  it('an error object sent with 200 is classified by its own code', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 402, message: 'Insufficient credits' } }));
    });
    const out = await ask(client(server));
    expect(out).toMatchObject({ error_kind: 'credits', http_status: 200 });
    expect(out.error_message).toMatch(/an error 402: Insufficient credits$/);
  });

  it('plain text that parses to no event → bad_request quoting what came, not a retried stream error', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('Service is in maintenance mode until 14:00 UTC');
    });
    const row = await runOnce(client(server));
    expect(row).toMatchObject({ error_kind: 'bad_request', attempts: 1 });
    expect(row.error_message).toBe('HTTP 200 with no event in the stream; it began: Service is in maintenance mode until 14:00 UTC');
  });

  it('keep-alive comments and then an end, or nothing at all, are a broken stream (retried), not a wrong endpoint', async () => {
    const server = await serve((seen, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(server.requests.length === 1 ? ': OPENROUTER PROCESSING\n\n'.repeat(3) : '');
    });
    const c = client(server);
    expect(await ask(c)).toMatchObject({ error_kind: 'stream', error_message: 'stream ended before [DONE] and without a finish reason' });
    expect(await ask(c)).toMatchObject({ error_kind: 'stream', error_message: 'HTTP 200, then the body ended without any event' });
  });
});

describe('content-encoding agent-lab never asked for', () => {
  it('a gzip event stream is decoded and measured like any other', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      res.end(gzipSync(`${contentEvent('Hello')}${contentEvent(' world')}${finishEvents(2)}`));
    });
    const out = await ask(client(server));
    expect(out).toMatchObject({ ok: true, error_kind: null });
    expect(out.stream!.content).toBe('Hello world');
    expect(out.stream!.usage!.completion_tokens).toBe(2);
  });

  it('a gzip error body gives its real message', async () => {
    const server = await serve((_, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ error: { code: 400, message: 'hostile/model is not a valid model ID' } })));
    });
    expect(await ask(client(server))).toMatchObject({ error_kind: 'bad_request', error_message: 'hostile/model is not a valid model ID' });
  });

  it('an encoding it cannot read is named, once, not retried as a broken stream', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'zstd' });
      res.end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]));
    });
    const row = await runOnce(client(server));
    expect(row).toMatchObject({ error_kind: 'bad_request', attempts: 1, error_message: 'HTTP 200 in content-encoding "zstd", which agent-lab cannot read (it asks for none)' });
  });

  it('a gzip stream cut short says so', async () => {
    const whole = gzipSync(`${contentEvent('Hello')}${finishEvents(1)}`);
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      res.end(whole.subarray(0, whole.length - 30));
    });
    const out = await ask(client(server));
    expect(out.error_kind).toBe('stream');
    expect(out.error_message).toMatch(/the gzip body does not decode \(unexpected end of file\)/);
  });
});

describe('bodies that never end, and broken framing', () => {
  it('an error page that never ends is its status, cut at idle_ms', async () => {
    const server = await serve((_, res) => {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.write('<html><body>Bad request, and then silence');
    });
    const out = await ask(client(server, { ...relaxed, idle_ms: 300 }));
    expect(out).toMatchObject({ error_kind: 'bad_request', http_status: 400 });
    expect(out.error_message).toBe('HTTP 400, then its body did not end: stream silent for idle_ms 300 ms');
  });

  it('an error page of 100 MB is read to 64 KB and not waited for', async () => {
    let sent = 0;
    const server = await serve((_, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'e');
      const pump = () => {
        while (sent < 100 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const out = await ask(client(server));
    expect(out).toMatchObject({ error_kind: 'server', http_status: 500 });
    expect(out.error_message).toMatch(/^HTTP 500 Internal Server Error: e{160}…$/);
    expect(sent).toBeLessThan(20 * 1024 * 1024);
  });

  it('a stream that keeps sending keep-alive comments for ever ends at total_ms', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(contentEvent('Hello'));
      const timer = setInterval(() => res.write(': OPENROUTER PROCESSING\n\n'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const out = await ask(client(server, { ...relaxed, idle_ms: 300, total_ms: 1000 }));
    expect(out).toMatchObject({ error_kind: 'timeout', error_message: 'no complete answer within total_ms 1000 ms' });
    expect(out.stream!.content).toBe('Hello');
  });

  it('a chunked-encoding error is a broken stream that says how far it got', async () => {
    const raw = createNetServer((socket: Socket) => {
      socket.once('data', () => {
        const event = contentEvent('Hello');
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n${Buffer.byteLength(event).toString(16)}\r\n${event}\r\nZZ-not-a-size\r\n`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => raw.close(() => resolve())) });
    const out = await ask(client({ url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/api/v1` }));
    expect(out).toMatchObject({ error_kind: 'stream', http_status: 200, response_started: true });
    expect(out.error_message).toMatch(/does not match the HTTP\/1.1 protocol \(Invalid character in chunk size\) after \d+ bytes of the response/);
    expect(out.stream!.content).toBe('Hello');
  });
});

describe('line endings and bytes', () => {
  it('\\r-only line endings are events like any other', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`: OPENROUTER PROCESSING\r\r${contentEvent('Hello')}${contentEvent(' there')}${finishEvents(2)}`.replace(/\n/g, '\r'));
    });
    const out = await ask(client(server));
    expect(out).toMatchObject({ ok: true });
    expect(out.stream!.content).toBe('Hello there');
    expect(out.stream!.done).toBe(true);
  });

  it('a character split across chunks arrives whole; invalid UTF-8 becomes U+FFFD, not a failure', async () => {
    const event = Buffer.from(contentEvent('a🙂b'));
    const at = event.indexOf(Buffer.from('🙂')) + 2;
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(event.subarray(0, at));
      setTimeout(() => {
        res.write(event.subarray(at));
        res.end(Buffer.concat([Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"x'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('y"}}]}\n\n'), Buffer.from(finishEvents(4))]));
      }, 30);
    });
    const out = await ask(client(server));
    expect(out).toMatchObject({ ok: true });
    expect(out.stream!.content).toBe('a🙂bx\uFFFD(\uFFFDy');
  });

  it('a negative usage.cost or count is not a figure', () => {
    const stream = parseSse(`${contentEvent('x')}data: {"choices":[],"usage":{"prompt_tokens":-3,"completion_tokens":1,"total_tokens":-2,"cost":-35}}\n\ndata: [DONE]\n\n`);
    expect(stream.usage).toEqual({ prompt_tokens: null, completion_tokens: 1, total_tokens: null, reasoning_tokens: null, cached_tokens: null, cost: null });
  });
});

describe('a response bigger than max_response_bytes', () => {
  it('is cancelled at the cap as too_large, with the bytes received, never retried', async () => {
    let sent = 0;
    const server = await serve((_, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = contentEvent('x'.repeat(8000));
      const pump = () => {
        while (sent < 64e6 && !res.destroyed) {
          sent += event.length;
          if (!res.write(event)) return void res.once('drain', pump);
        }
        res.end(finishEvents());
      };
      pump();
    });
    const row = await runOnce(client(server, relaxed, 200_000));
    expect(row).toMatchObject({ status: 'error', error_kind: 'too_large', attempts: 1 });
    expect(row.error_message).toMatch(/^the response passed 200000 bytes \(max_response_bytes\) and was cancelled after \d+ bytes received$/);
    expect(row.output_text.length).toBeLessThanOrEqual(200_000);
    expect(row.output_text.length).toBeGreaterThan(150_000);
    expect(sent).toBeLessThan(16e6);
  });
});
