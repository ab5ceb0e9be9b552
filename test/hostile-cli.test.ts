// Issue 15.5 through the real CLI: a 64 MB answer and a 60 MB line end as `too_large` with
// memory bounded (peak RSS of the agent-lab process, read at its exit), and /generation garbage
// is `cost_source: invalid` at once, with one warning, instead of a minute of polling.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobResult } from '../src/types/result.js';
import { contentEvent, finishEvents, hostileServer, type Hostile, type Seen } from './helpers/hostile.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// Prints the process's peak resident set (KB) as it exits: the CLI itself is not changed.
const PEAK = `data:text/javascript,process.on('exit',()=>process.stderr.write('peak_rss_kb='+process.resourceUsage().maxRSS+'\\n'))`;

let server: Hostile | null = null;
let ws: Workspace | null = null;
afterEach(async () => {
  await server?.close();
  await ws?.cleanup();
  server = ws = null;
});

function run(args: string[], cwd: string, baseUrl: string): Promise<{ code: number | null; stderr: string; peakMb: number; seconds: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', PEAK, CLI, ...args], { cwd, env: { PATH: process.env.PATH!, OPENROUTER_API_KEY: 'sk-or-v1-hostile-cli-000000', OPENROUTER_BASE_URL: baseUrl } });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      const kb = Number(/peak_rss_kb=(\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({ code, stderr, peakMb: kb / 1024, seconds: (performance.now() - started) / 1000 });
    });
  });
}

async function rows(dir: string): Promise<JobResult[]> {
  return (await readFile(`${dir}/results.jsonl`, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as JobResult);
}

/** Writes `total` bytes of `piece` (after `first`), respecting back-pressure, until the client hangs up. */
function flood(res: ServerResponse, first: string, piece: string, total: number, counter: { sent: number }): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(first);
  const chunk = Buffer.from(piece);
  const pump = () => {
    while (counter.sent < total && !res.destroyed) {
      counter.sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(finishEvents());
  };
  pump();
}

const SUITE = (task: string) => `
name: hostile
models: [hostile/model]
params: { max_tokens: 64 }
tasks: [{ id: ${task}, prompt: hi }]
`;

describe('a response far bigger than the job asked for (max_tokens: 64)', () => {
  const cases: [string, (counter: { sent: number }) => (seen: Seen, res: ServerResponse) => void][] = [
    // 8,000 events of 8 KB: 64 MB of content.
    ['64 MB of content', (counter) => (_, res) => flood(res, '', contentEvent('x'.repeat(8000)), 64e6, counter)],
    // One SSE line that never ends: 60 MB.
    ['one 60 MB line', (counter) => (_, res) => flood(res, 'data: {"choices":[{"index":0,"delta":{"content":"', 'y'.repeat(64 * 1024), 60e6, counter)],
  ];
  for (const [name, handler] of cases) {
    it(`${name}: too_large at the 1 MiB cap, the stream cancelled, memory bounded`, async () => {
      const counter = { sent: 0 };
      server = await hostileServer(handler(counter));
      ws = await workspace({ 'suite.yaml': SUITE('big') });
      const out = await run(['run', 'suite.yaml', '--out', 'out', '--no-preflight', '--no-history'], ws.dir, server.url);
      const [row] = await rows(ws.path('out'));
      expect(out.code).toBe(1);
      expect(row).toMatchObject({ error_kind: 'too_large', attempts: 1 });
      expect(row!.error_message).toMatch(/^the response passed 1048576 bytes \(max_response_bytes, derived from max_tokens\) and was cancelled after \d+ bytes received$/);
      expect(row!.output_text.length).toBeLessThanOrEqual(1_048_576);
      // The server stopped well short of its 60–64 MB: the client hung up at the cap.
      expect(counter.sent).toBeLessThan(16e6);
      // Before the fix the process peaked at 514–554 MB; a run of one small job peaks near 100 MB.
      console.log(`${name}: peak RSS ${out.peakMb.toFixed(0)} MB, server sent ${(counter.sent / 1e6).toFixed(1)} MB before the client hung up`);
      expect(out.peakMb).toBeLessThan(200);
    });
  }
});

describe('/generation answering 200 with garbage', () => {
  it('is cost_source invalid at once with one warning, never a minute of polling or a negative cost', async () => {
    server = await hostileServer((seen, res) => {
      if (seen.path.startsWith('/generation')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ data: { id: new URL(`http://x${seen.path}`).searchParams.get('id'), total_cost: -5, native_tokens_prompt: 'lots', native_tokens_completion: 3 } }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // The stream's own usage.cost is negative too: not a figure either.
      res.end(`${contentEvent('Hi', { id: `gen-${server!.requests.length}` })}data: {"id":"gen-x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"cost":-35}}\n\ndata: [DONE]\n\n`);
    });
    ws = await workspace({
      'agent-lab.config.yaml': 'generation: { first_delay_ms: 50, max_wait_ms: 60000 }\n',
      'suite.yaml': `${SUITE('a')}\n`.replace('tasks: [{ id: a, prompt: hi }]', 'tasks: [{ id: a, prompt: hi }, { id: b, prompt: hello }]'),
    });
    const out = await run(['run', 'suite.yaml', '--out', 'out', '--no-preflight', '--no-history'], ws.dir, server.url);
    expect(out.seconds).toBeLessThan(15);
    const all = await rows(ws.path('out'));
    expect(all).toHaveLength(2);
    for (const row of all) {
      expect(row).toMatchObject({ status: 'ok', cost_source: 'invalid', cost_usd: null, spent_usd: null, cost_usage_usd: null, native_tokens_prompt: null });
    }
    expect(out.stderr.match(/answered an invalid record/g)).toHaveLength(1);
    expect(out.stderr).toMatch(/invalid record \(total_cost -5, native_tokens_prompt "lots"\): its cost is unknown \(cost_source: invalid\)/);
    const summary = await readFile(ws.path('out/summary.json'), 'utf8');
    // Numbers only: a run id stamped at minute 35 holds `-35-` as text.
    const numbers = JSON.stringify(JSON.parse(summary), (_key, value: unknown) => (typeof value === 'string' ? undefined : value));
    expect(numbers).toMatch(/\d/);
    expect(numbers).not.toMatch(/-5\b|-35\b/);
  });
});
