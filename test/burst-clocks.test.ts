// Issue 16: clocks stamped in a burst. When many sockets are readable at once, each one's stamp
// is taken before anyone's work: the client stamps every chunk before it parses any and every
// stream's end before a finished job's row is built, and the simulator stamps every request's
// arrival before it answers any. Done inline, the 50th of a burst was stamped after 49 others' work.
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { createClient } from '../src/provider/client.js';
import { send } from '../src/provider/send.js';
import { Pool } from '../src/provider/undici.js';
import { waitFor } from './helpers/wait.js';

const timeouts = { connect_ms: 2000, ttft_ms: 5000, idle_ms: 5000, total_ms: 10_000 };
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('the client, two streams ending at once', () => {
  // Holds each pair of requests until both are in, then ends both streams in the same tick.
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: {"id":"gen-${held.length}","model":"m","choices":[{"delta":{"content":"hi"}}]}\n\n`);
      held.push(res);
      if (held.length % 2 === 0) for (const r of held.slice(-2)) r.end('data: {"id":"x","model":"m","choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
    });
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("stamps the second stream's last chunk before the first one's is parsed", async () => {
    const pool = new Pool(new URL(url).origin, { connections: 2 });
    try {
      // Parsing the first last chunk to arrive takes 80 ms (a huge one, a slow machine).
      let parsed = false;
      const exchange = () => {
        let at = -1;
        const done = send(pool, { path: '/api/v1/chat/completions', method: 'POST', body: '{}' }, {
          now: () => performance.now(),
          onChunk: (chunk, when) => {
            if (!chunk.includes('[DONE]')) return;
            at = when;
            if (!parsed) busy(80);
            parsed = true;
          },
        }, { sentAt: null, bytes: 0 });
        return done.then(() => at);
      };
      const [a, b] = await Promise.all([exchange(), exchange()]);
      // Both were read in one turn of the loop: stamped together, not 80 ms apart.
      expect(Math.min(a, b)).toBeGreaterThan(0);
      expect(Math.abs(a - b)).toBeLessThan(40);
    } finally {
      await pool.close();
    }
  });

  it("stamps the second stream's end before the first job's work runs", async () => {
    const c = createClient({ baseUrl: url, apiKey: null, headers: {}, connections: 2, timeouts, now: () => performance.now(), logger: silentLogger, sockets: null });
    try {
      const ask = (jobId: string) => c.chat({ model: 'm', messages: [{ role: 'user', content: jobId }], params: {}, jobId });
      // The first job to finish does 80 ms of work at once (a row, a journal write, a slow disk).
      let worked = false;
      const work = <T>(outcome: T) => {
        if (!worked) busy(80);
        worked = true;
        return outcome;
      };
      const [a, b] = await Promise.all([ask('a').then(work), ask('b').then(work)]);
      expect([a.ok, b.ok]).toEqual([true, true]);
      // Both ends were read in one turn of the loop: their stamps are close, not 80 ms apart.
      expect(Math.abs(a.ended_at - b.ended_at)).toBeLessThan(40);
    } finally {
      await c.close();
    }
  });
});

describe('the simulator, two requests arriving at once', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ ttftMs: 0, itlMs: 0, tokens: 3, generationDelayMs: 0 });
  });
  afterAll(() => mock.close());

  it('stamps the second arrival before it answers the first', async () => {
    const { port } = new URL(mock.url);
    const body = (n: number) => JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `burst ${n}` }] });
    const request = (n: number) =>
      `POST /api/v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-agent-lab-job: burst-${n}\r\ncontent-length: ${Buffer.byteLength(body(n))}\r\nconnection: close\r\n\r\n${body(n)}`;
    const sockets = [0, 1].map(() => connect(Number(port), '127.0.0.1'));
    await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('connect', resolve))));
    // Accepted by the simulator too (a turn or two of its loop), so both reads fall in one turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Both requests are on their sockets before the simulator's loop turns again.
    sockets.forEach((s, n) => s.write(request(n)));
    const entries = await waitFor(() => {
      const found = [0, 1].map((n) => mock.requests.find((r) => r.job === `burst-${n}`));
      return found.every((e) => e?.end_at != null) ? found.map((e) => e!) : null;
    }, { what: 'both bursts answered' });
    for (const s of sockets) s.destroy();
    const [first, second] = [...entries].sort((x, y) => x.received_at - y.received_at);
    expect(second!.received_at).toBeLessThan(first!.first_byte_at!);
  });
});
