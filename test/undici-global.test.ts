// Node's built-in fetch shares undici's global dispatcher slot: once fetch has run, that slot holds
// Node's own undici, which rejects this package's handlers ("invalid onError method" on Node 22).
// request() and retrying() without a dispatcher must not fall back to it (metrics pushes did).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, retrying } from '../src/provider/undici.js';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => req.resume().on('end', () => res.end(`${req.method} ok`)));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
});
afterAll(() => new Promise((done) => server.close(done)));

describe('undici without a dispatcher, after the built-in fetch ran', () => {
  it('request() and a retrying PUT still work', async () => {
    expect(await (await fetch(url)).text()).toBe('GET ok');
    const plain = await request(url);
    expect(await plain.body.text()).toBe('GET ok');
    const put = await request(url, { method: 'PUT', body: 'x', dispatcher: retrying(undefined, { maxRetries: 1, methods: ['PUT'] }) });
    expect(put.statusCode).toBe(200);
    expect(await put.body.text()).toBe('PUT ok');
  });
});
