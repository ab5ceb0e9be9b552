// Reasoning end to end through the real client: a loopback server streams our reasoning fixture
// (delta.reasoning, reasoning_details text/summary/encrypted items); the row keeps the readable
// reasoning, counts the encrypted items, and reports ttft (any token) apart from ttfc (content).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { runSuite } from '../src/run/index.js';
import { readResults } from './helpers/results.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const FIXTURE = readFileSync(new URL('./fixtures/sse/reasoning-details.sse', import.meta.url));
let server: Server;
let base: string;
let ws: Workspace;
const bodies: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(404).end('{}');
      bodies.push(JSON.parse(raw) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Half now, half later: the first reasoning token and the first content token arrive apart.
      const cut = FIXTURE.indexOf('7 apples') - 200;
      res.write(FIXTURE.subarray(0, cut));
      setTimeout(() => res.end(FIXTURE.subarray(cut)), 60);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  ws = await workspace({
    'suite.yaml': 'name: think\nmodels: [anthropic/claude-sonnet-4.5]\ntasks: [{ id: t, prompt: count apples }]\nparams: { max_tokens: 300, reasoning: { effort: high, exclude: false } }\n',
    'agent-lab.config.yaml': 'generation: { enabled: false }\nlog_level: error\n',
  });
});
afterAll(async () => {
  await new Promise<void>((ok) => server.close(() => ok()));
  await ws.cleanup();
});

describe('reasoning through the real client', () => {
  it('sends params.reasoning as written, keeps readable reasoning, counts encrypted items, splits ttft from ttfc', async () => {
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: 'sk-or-v1-reasoning-0123456789', OPENROUTER_BASE_URL: base } });
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', preflight: false }, env);
    expect(report.exitCode).toBe(0);
    expect(bodies[0]!.reasoning).toEqual({ effort: 'high', exclude: false });
    const [row] = await readResults(ws.path('out'));
    expect(row!.reasoning_text).toBe('Let me count: 3 apples Then add 4. So 7.');
    expect(row!.reasoning_encrypted).toBe(2);
    expect(row!.output_text).toBe('7 apples.');
    expect(row!.tokens_reasoning).toBe(21);
    expect(row!.ttfc_ms! - row!.ttft_ms!).toBeGreaterThanOrEqual(40);
    expect(report.summary.overall.ttfc_ms.p50!).toBeGreaterThan(report.summary.overall.ttft_ms.p50!);
    const csv = (await readFile(ws.path('out/results.csv'), 'utf8')).split('\n')[0]!.split(',');
    expect(csv).toContain('reasoning_encrypted');
  });
});
