// fetchModels and `agent-lab models` against a real loopback server: the server's hit count
// proves when the disk cache answered. Cache files live in a temp folder per test.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runModelsCommand } from '../src/models/command.js';
import { AgentLabError, ConfigError, EXIT } from '../src/errors.js';
import { cacheFile, fetchModels, MODELS_TTL_MS } from '../src/models/fetch.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const BODY = readFileSync(resolve(repoRoot, 'test/fixtures/models-list.json'), 'utf8');
const SECRET = 'sk-or-v1-0123456789abcdef';

let server: Server;
let origin: string;
const hits: Record<string, number> = {};
const seen: IncomingMessage['headers'][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    hits[path] = (hits[path] ?? 0) + 1;
    seen.push(req.headers);
    if (path === '/api/v1/models' || path === '/other/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
    } else if (path === '/down/models') {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":503,"message":"upstream is down"}}');
    } else if (path === '/echo/models') {
      // A server that repeats the key back must not get it into our message.
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `bad key ${req.headers.authorization}` } }));
    } else if (path === '/html/models') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>');
    } else if (path === '/notalist/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"models":[]}');
    } else {
      res.writeHead(404).end('not here');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
  for (const key of Object.keys(hits)) delete hits[key];
  seen.length = 0;
});
afterEach(() => ws.cleanup());

const base = () => `${origin}/api/v1`;
const clock = (start: number) => {
  const t = { now: start };
  return { t, now: () => t.now };
};

describe('fetchModels', () => {
  it('fetches once, then answers from the cache within the TTL', async () => {
    const { t, now } = clock(Date.parse('2026-03-10T12:00:00Z'));
    const first = await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now });
    expect(first).toMatchObject({ fromCache: false, fetchedAt: '2026-03-10T12:00:00.000Z' });
    expect(first.models).toHaveLength(6);
    t.now += MODELS_TTL_MS - 1;
    const second = await fetchModels({ baseUrl: `${base()}/`, cacheDir: ws.dir, now });
    expect(second).toMatchObject({ fromCache: true, fetchedAt: '2026-03-10T12:00:00.000Z' });
    expect(second.models.map((m) => m.id)).toEqual(first.models.map((m) => m.id));
    expect(second.models[1]!.pricing!.prices.prompt.toFixed()).toBe('0.0000004');
    expect(hits['/api/v1/models']).toBe(1);
  });

  it('fetches again once the TTL has passed', async () => {
    const { t, now } = clock(1_000_000);
    await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now });
    t.now += MODELS_TTL_MS;
    const again = await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now });
    expect(again.fromCache).toBe(false);
    expect(hits['/api/v1/models']).toBe(2);
    t.now += 999;
    expect((await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now, ttlMs: 1000 })).fromCache).toBe(true);
    t.now += 1;
    expect((await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now, ttlMs: 1000 })).fromCache).toBe(false);
    expect(hits['/api/v1/models']).toBe(3);
  });

  it('bypasses the cache on refresh, and rewrites it', async () => {
    const { t, now } = clock(5_000_000);
    await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now });
    t.now += 10;
    const fresh = await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now, refresh: true });
    expect(fresh).toMatchObject({ fromCache: false, fetchedAt: new Date(5_000_010).toISOString() });
    t.now += 10;
    expect(await fetchModels({ baseUrl: base(), cacheDir: ws.dir, now })).toMatchObject({ fromCache: true, fetchedAt: fresh.fetchedAt });
    expect(hits['/api/v1/models']).toBe(2);
  });

  it('keeps one cache per base URL, written atomically', async () => {
    const other = `${origin}/other/v1`;
    await fetchModels({ baseUrl: base(), cacheDir: ws.dir });
    await fetchModels({ baseUrl: other, cacheDir: ws.dir });
    expect((await fetchModels({ baseUrl: other, cacheDir: ws.dir })).fromCache).toBe(true);
    expect(hits).toEqual({ '/api/v1/models': 1, '/other/v1/models': 1 });
    expect(cacheFile(ws.dir, base())).not.toBe(cacheFile(ws.dir, other));
    expect(cacheFile(ws.dir, base())).toBe(cacheFile(ws.dir, `${base()}/`));
    const files = (await readdir(ws.dir)).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^models-[0-9a-f]{32}\.json$/.test(f))).toBe(true); // no temp files left
  });

  it('refetches when the cache file is corrupt', async () => {
    await writeFile(cacheFile(ws.dir, base()), '{"base_url": "half a fi');
    expect((await fetchModels({ baseUrl: base(), cacheDir: ws.dir })).fromCache).toBe(false);
    expect(hits['/api/v1/models']).toBe(1);
  });

  it('sends the given headers', async () => {
    await fetchModels({ baseUrl: base(), cacheDir: ws.dir, headers: { authorization: `Bearer ${SECRET}`, 'x-title': 'agent-lab' } });
    expect(seen[0]).toMatchObject({ authorization: `Bearer ${SECRET}`, 'x-title': 'agent-lab', accept: 'application/json' });
  });

  it('fails on a non-2xx status with the status, the API message and the URL, and caches nothing', async () => {
    const error = await fetchModels({ baseUrl: `${origin}/down`, cacheDir: ws.dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentLabError);
    expect((error as AgentLabError).exitCode).toBe(EXIT.jobs_failed);
    expect((error as Error).message).toBe(`The model list request to ${origin}/down/models failed with HTTP 503: upstream is down`);
    expect(await readdir(ws.dir)).toEqual([]);
  });

  it('never puts the API key in a message, even when the server echoes it', async () => {
    const error = await fetchModels({ baseUrl: `${origin}/echo`, cacheDir: ws.dir, headers: { authorization: `Bearer ${SECRET}` } }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as Error).message).toContain('[REDACTED]');
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('fails on a body that is not JSON or not a model list', async () => {
    await expect(fetchModels({ baseUrl: `${origin}/html`, cacheDir: ws.dir })).rejects.toThrow(`The model list from ${origin}/html/models is not JSON (HTTP 200)`);
    await expect(fetchModels({ baseUrl: `${origin}/notalist`, cacheDir: ws.dir })).rejects.toThrow(/not a model list.*notalist\/models/);
    expect(await readdir(ws.dir)).toEqual([]);
  });

  it('names the base URL when the server cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const error = await fetchModels({ baseUrl: `http://127.0.0.1:${port}/api/v1`, cacheDir: ws.dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentLabError);
    expect((error as Error).message).toMatch(new RegExp(`^Could not fetch the model list from http://127\\.0\\.0\\.1:${port}/api/v1/models: .*ECONNREFUSED`));
  });
});

describe('runModelsCommand', () => {
  const run = async (opts: Partial<Parameters<typeof runModelsCommand>[0]>) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runModelsCommand({ baseUrl: base(), cacheDir: ws.dir, ...opts }, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  it('lists, filters and sorts as a table, with the count on stderr', async () => {
    const { code, stdout, stderr } = await run({ supports: 'tools, structured_outputs', maxPrice: '/20', sort: 'price' });
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(2, 4).map((l) => l.split(' ')[0])).toEqual(['acme/swift-1', 'bigco/longbrain-2']);
    expect(stderr).toMatch(/^2 of 6 models match \(fetched from /);
    expect((await run({})).stderr).toContain('cached list');
  });

  it('prints JSON and CSV', async () => {
    const json = JSON.parse((await run({ free: true, json: true })).stdout) as { id: string }[];
    expect(json.map((m) => m.id)).toEqual(['acme/swift-1:free']);
    const csv = (await run({ minContext: 1_000_000, csv: true, sort: 'context' })).stdout.trim().split('\n');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['openrouter/auto', 'bigco/longbrain-2']);
  });

  it('shows one model by id or canonical slug', async () => {
    expect((await run({ id: 'bigco/longbrain-2' })).stdout).toContain('discount: 10% off the total');
    expect((await run({ id: 'thinkers/deep-r1-20260301' })).stdout).toMatch(/^thinkers\/deep-r1 {2}Thinkers: Deep R1/);
  });

  it('prints nothing on stdout when nothing matches', async () => {
    expect(await run({ search: 'nothing-like-this' })).toMatchObject({ code: 0, stdout: '', stderr: expect.stringMatching(/^0 of 6/) });
  });

  it('rejects an unknown id with suggestions', async () => {
    const error = await run({ id: 'acme/swift1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`Unknown model \`acme/swift1\` at ${base()}. Did you mean \`acme/swift-1\`?`);
    expect(((await run({ id: 'zzzz/qqqqqqqq' }).catch((e: unknown) => e)) as Error).message).toContain('agent-lab models --search');
  });

  it.each([
    [{ maxPrice: 'abc' }, /--max-price.*IN\/OUT/],
    [{ maxPrice: '1' }, /--max-price/],
    [{ maxPrice: '/' }, /--max-price/],
    [{ maxPrice: 'x/2' }, /input side of `--max-price`/],
    [{ maxPrice: '1/-2' }, /output side of `--max-price`/],
    [{ sort: 'cheap' }, /`--sort` to be one of price, context, name, newest, got `cheap`/],
    [{ minContext: 0 }, /--min-context/],
    [{ minContext: Number.NaN }, /--min-context/],
    [{ supports: ' , ' }, /--supports/],
    [{ json: true, csv: true }, /--json.*--csv/],
  ])('rejects %j before sending anything', async (opts, message) => {
    await expect(run(opts)).rejects.toThrow(ConfigError);
    await expect(run(opts)).rejects.toThrow(message);
    expect(hits).toEqual({});
  });
});
