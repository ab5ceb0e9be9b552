// Issue 15.3: HTTP(S)_PROXY / NO_PROXY for every request — chat, /generation, /models — through
// a real proxy on loopback: a forward proxy this test starts in Node (runs anywhere), and
// Debian's tinyproxy when it is installed (.ci/run installs it). The proxies' own records prove
// which requests went through them; NO_PROXY proves the bypass.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProxy, proxyFromEnv } from '../src/provider/proxy.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const KEY = 'sk-or-v1-proxy-test-key-00000000';
const TINYPROXY = '/usr/bin/tinyproxy';

interface Forward {
  url: string;
  /** `METHOD absolute-url` of every request it forwarded. */
  seen: string[];
  auth: (string | undefined)[];
  close(): Promise<void>;
}

/** A forward proxy: takes absolute-URI requests, sends them on, pipes the answer back. */
async function forwardProxy(): Promise<Forward> {
  const seen: string[] = [];
  const auth: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    auth.push(req.headers['proxy-authorization']);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(req.url!, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    auth,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => void server.closeAllConnections()),
  };
}

function run(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH!, OPENROUTER_API_KEY: KEY, AGENT_LAB_CACHE_DIR: join(cwd, 'cache'), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

let mock: MockServer;
let ws: Workspace;
let runs = 0;
// Each run its own /models cache, so each one asks for the list (through the proxy or not).
const suiteRun = (env: Record<string, string>, extra: string[] = []) =>
  run(['run', 'suite.yaml', '--out', `out${++runs}`, '--no-history', ...extra], ws.dir, { OPENROUTER_BASE_URL: mock.url, AGENT_LAB_CACHE_DIR: ws.path(`cache${runs}`), ...env });

beforeAll(async () => {
  mock = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 20 });
  ws = await workspace({
    'agent-lab.config.yaml': FAST_CONFIG,
    'suite.yaml': 'name: proxied\nmodels: [openai/gpt-4o-mini]\ntasks:\n  - { id: a, prompt: hello }\n  - { id: b, prompt: there }\n',
  });
});
afterAll(async () => {
  await mock.close();
  await ws.cleanup();
});

describe('through a forward proxy started by the test', () => {
  let proxy: Forward;
  beforeAll(async () => {
    proxy = await forwardProxy();
  });
  afterAll(() => proxy.close());

  it('sends chat, /generation and /models through HTTP_PROXY, with its credentials, shown in --verbose without them', async () => {
    const withAuth = proxy.url.replace('//', '//agent:s3cret-pass@');
    const out = await suiteRun({ HTTP_PROXY: withAuth }, ['-v']);
    expect(out.code).toBe(0);
    const origin = new URL(mock.url).origin;
    expect(proxy.seen).toContain(`GET ${origin}/api/v1/models`);
    expect(proxy.seen.filter((s) => s === `POST ${origin}/api/v1/chat/completions`)).toHaveLength(2);
    expect(proxy.seen.filter((s) => s.startsWith(`GET ${origin}/api/v1/generation?id=gen-`)).length).toBeGreaterThanOrEqual(2);
    expect(new Set(proxy.auth)).toEqual(new Set([`Basic ${Buffer.from('agent:s3cret-pass').toString('base64')}`]));
    expect(out.stderr).toContain(`debug: proxy: https:// through ${proxy.url}, http:// through ${proxy.url}`);
    expect(out.stdout + out.stderr).not.toContain('s3cret-pass');
    for (const entry of await readdir(ws.path(`out${runs}`), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) expect(await readFile(join(entry.parentPath, entry.name), 'utf8')).not.toContain('s3cret-pass');
    }
  });

  it('reads the lower-case variable first, as curl and undici do, and serves `agent-lab models` too', async () => {
    const before = proxy.seen.length;
    // The upper-case one points at a closed port: only the lower-case one can make this work.
    const out = await run(['models', '--json', '--refresh'], ws.dir, { OPENROUTER_BASE_URL: mock.url, http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:9' });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).not.toHaveLength(0);
    expect(proxy.seen.slice(before)).toEqual([`GET ${new URL(mock.url).origin}/api/v1/models`]);
  });

  it('goes direct for a host in NO_PROXY', async () => {
    const before = proxy.seen.length;
    const sent = mock.requests.length;
    const out = await suiteRun({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    expect(out.code).toBe(0);
    expect(mock.requests.length).toBe(sent + 2);
    expect(proxy.seen.length).toBe(before);
  });
});

describe('through tinyproxy', () => {
  const present = existsSync(TINYPROXY);
  if (!present) console.log(`proxy: ${TINYPROXY} not found — the tinyproxy test is skipped (apt-get install tinyproxy; .ci/run installs it)`);

  it.skipIf(!present)('forwards every request; its own log lists them; NO_PROXY bypasses it', async () => {
    const port = await freePort();
    const log = ws.path('tinyproxy.log');
    await ws.write('tinyproxy.conf', `Port ${port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nLogLevel Connect\nLogFile "${log}"\n`);
    const tinyproxy = spawn(TINYPROXY, ['-d', '-c', ws.path('tinyproxy.conf')], { stdio: 'ignore' });
    try {
      // Ready when it accepts a connection.
      for (let i = 0; i < 100; i++) {
        const ok = await new Promise<boolean>((resolve) => {
          const probe = httpRequest({ host: '127.0.0.1', port, path: '/', method: 'GET' }, (res) => resolve(res.resume() !== null)).on('error', () => resolve(false));
          probe.end();
        });
        if (ok) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const origin = new URL(mock.url).origin;
      const out = await suiteRun({ HTTP_PROXY: `http://127.0.0.1:${port}` });
      expect(out.code).toBe(0);
      // tinyproxy writes its log through a buffer: wait (briefly) for the lines to land.
      let lines: string[] = [];
      const requests = (what: string) => lines.filter((l) => l.includes(`: ${what}`)).length;
      for (let i = 0; i < 40 && requests(`POST ${origin}/api/v1/chat/completions HTTP/1.1`) < 2; i++) {
        lines = (await readFile(log, 'utf8')).split('\n');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(requests(`GET ${origin}/api/v1/models HTTP/1.1`)).toBe(1);
      expect(requests(`POST ${origin}/api/v1/chat/completions HTTP/1.1`)).toBe(2);
      expect(requests(`GET ${origin}/api/v1/generation?id=gen-`)).toBeGreaterThanOrEqual(2);

      const logged = (await readFile(log, 'utf8')).length;
      const sent = mock.requests.length;
      const bypass = await suiteRun({ HTTP_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: '127.0.0.1' });
      expect(bypass.code).toBe(0);
      expect(mock.requests.length).toBe(sent + 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await readFile(log, 'utf8')).slice(logged)).not.toContain('Request (');
    } finally {
      tinyproxy.kill();
    }
  });
});

describe('proxy settings', () => {
  it('come from the environment, lower-case first; a value without a scheme is http://', () => {
    expect(proxyFromEnv({})).toBeNull();
    expect(proxyFromEnv({ HTTP_PROXY: ' ' })).toBeNull();
    expect(proxyFromEnv({ HTTPS_PROXY: 'proxy.corp:3128', no_proxy: 'localhost', NO_PROXY: 'ignored' })).toEqual({ http: null, https: 'http://proxy.corp:3128', noProxy: 'localhost' });
    expect(proxyFromEnv({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2' })?.https).toBe('http://a:1');
  });

  it('are shown without credentials', () => {
    expect(describeProxy({ http: null, https: 'http://u:p@proxy.corp:3128', noProxy: '.internal' })).toBe('proxy: https:// through http://proxy.corp:3128, http:// direct; direct for NO_PROXY .internal');
  });

  it('refuse a value that is not a proxy URL before anything is sent (exit 2)', async () => {
    expect(() => proxyFromEnv({ HTTPS_PROXY: 'ftp://files.example' })).toThrow('Expected HTTPS_PROXY to be a proxy URL like http://proxy.example:3128, got "ftp://files.example"');
    const sent = mock.requests.length;
    const out = await suiteRun({ https_proxy: 'ftp://u:secret9@files.example' });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('Expected https_proxy to be a proxy URL');
    expect(out.stderr).not.toContain('secret9');
    expect(mock.requests.length).toBe(sent);
  });
});
