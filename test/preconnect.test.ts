// Issue 16: the chat pool's connections are opened before the first request (while /models and
// the preflight run), so the first wave pays no handshake inside its timed window. A real
// loopback simulator, behind a TCP relay that counts the connections it accepts.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { createClient } from '../src/provider/client.js';
import { preconnect } from '../src/provider/preconnect.js';
import { waitFor } from './helpers/wait.js';

let server: MockServer;
let url: string;
const accepted: Socket[] = [];
const relay = createServer((socket) => {
  accepted.push(socket);
  const upstream = connect(Number(new URL(server.url).port), '127.0.0.1');
  socket.pipe(upstream).pipe(socket);
  socket.on('error', () => upstream.destroy());
  upstream.on('error', () => socket.destroy());
  socket.on('close', () => upstream.destroy());
});
beforeAll(async () => {
  server = await startMockServer({ ttftMs: 0, itlMs: 0, tokens: 3, generationDelayMs: 0 });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(relay.address() as AddressInfo).port}${new URL(server.url).pathname}`;
});
afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => relay.close(resolve));
  await server.close();
});

const timeouts = { connect_ms: 2000, ttft_ms: 5000, idle_ms: 5000, total_ms: 10_000 };
const client = (sockets: ReturnType<typeof preconnect> | null, connections: number) =>
  createClient({ baseUrl: url, apiKey: null, headers: {}, connections, timeouts, now: () => performance.now(), logger: silentLogger, sockets });
const ask = (c: ReturnType<typeof createClient>, jobId: string) =>
  c.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `question ${jobId}` }], params: { max_tokens: 20 }, jobId });

describe('preconnect', () => {
  it('opens the connections before any request, and the first requests go out on them', async () => {
    const before = accepted.length;
    const stock = preconnect(url, 3, timeouts.connect_ms);
    await waitFor(() => accepted.length - before === 3, { what: 'three connections accepted' });
    expect(server.requests.filter((r) => r.job?.startsWith('pre-'))).toHaveLength(0);
    const c = client(stock, 3);
    try {
      const outcomes = await Promise.all(['pre-1', 'pre-2', 'pre-3'].map((id) => ask(c, id)));
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
      // Not one connect more: the pool took the three that were open.
      expect(accepted.length - before).toBe(3);
    } finally {
      await c.close();
    }
  });

  it('a connection the server dropped while it waited is passed over for a fresh one', async () => {
    const before = accepted.length;
    const stock = preconnect(url, 2, timeouts.connect_ms);
    await waitFor(() => accepted.length - before === 2, { what: 'two connections accepted' });
    accepted[before]!.destroy();
    const c = client(stock, 2);
    try {
      // Let the close reach the client before the requests go out.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const outcomes = await Promise.all([ask(c, 'drop-1'), ask(c, 'drop-2')]);
      expect(outcomes.map((o) => [o.ok, o.error_kind])).toEqual([[true, null], [true, null]]);
      expect(accepted.length - before).toBe(3);
    } finally {
      await c.close();
    }
  });

  it('closes what nobody took', async () => {
    const before = accepted.length;
    const stock = preconnect(url, 2, timeouts.connect_ms);
    await waitFor(() => accepted.length - before === 2, { what: 'two connections accepted' });
    stock.close();
    await waitFor(() => accepted.slice(before).every((s) => s.destroyed), { what: 'both closed at the relay' });
  });
});
