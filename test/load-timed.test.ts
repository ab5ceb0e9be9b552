// Load shape against the simulator's own clock (issue 18 part 6). The real CLI, in its own
// process, paces its requests (`--request-rate`); the simulator, in this process, records when
// each arrived and when it wrote its first token and its end. The achieved rate must be the
// target's, and a job held back — for its arrival time or for a concurrency slot — must not carry
// that wait in ttft or latency: the clocks start when the request is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockRequestLog, type MockServer } from '../src/mock/server.js';
import type { JobResult } from '../src/types/result.js';
import type { RunSummary } from '../src/types/summary.js';
import { runCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const TTFT = 100;
const suite = (name: string, tasks: number) => `
name: ${name}
models: [openai/gpt-4o-mini]
tasks:
${Array.from({ length: tasks }, (_, i) => `  - { id: t${i}, prompt: "question ${i}" }`).join('\n')}
params: { max_tokens: 20 }
`;

let server: MockServer;
let ws: Workspace;
beforeAll(async () => {
  server = await startMockServer({ ttftMs: TTFT, itlMs: 2, tokens: 3, generationDelayMs: 0 });
  ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

async function run(name: string, tasks: number, flags: string[]): Promise<{ rows: JobResult[]; summary: RunSummary; stdout: string; log: Map<string, MockRequestLog> }> {
  await ws.write(`${name}.yaml`, suite(name, tasks));
  const out = await runCli(['run', `${name}.yaml`, '--out', name, '--no-history', '--no-preflight', ...flags], { cwd: ws.dir, env: { OPENROUTER_API_KEY: 'sk-test', OPENROUTER_BASE_URL: server.url } });
  expect(out.code, out.stderr).toBe(0);
  const rows = (await readResults(ws.path(name))).sort((a, b) => a.started_at.localeCompare(b.started_at));
  const log = new Map(server.requests.filter((r) => rows.some((row) => row.job_id === r.job)).map((r) => [r.job!, r]));
  return { rows, summary: await readJson<RunSummary>(ws.path(`${name}/summary.json`)), stdout: out.stdout, log };
}

/** The client's ttft and latency against the server's record of the same request: only loopback between them. */
function expectClockedAtSend(rows: JobResult[], log: Map<string, MockRequestLog>): void {
  for (const row of rows) {
    const entry = log.get(row.job_id)!;
    const serverTtft = entry.first_token_at! - entry.received_at;
    const serverLatency = entry.end_at! - entry.received_at;
    // Either process may be descheduled between an event and its clock reading on a loaded
    // machine (figures-timing-e2e's margin); a counted wait would add 200 ms or more.
    for (const gap of [row.ttft_ms! - serverTtft, row.latency_ms! - serverLatency]) {
      expect(gap).toBeGreaterThan(-20);
      expect(gap).toBeLessThan(TTFT / 2);
    }
  }
}

describe('--request-rate', () => {
  it('achieves the target rate (constant gaps), reported next to it', async () => {
    const { rows, summary, stdout, log } = await run('rate', 30, ['--request-rate', '20', '-j', '8']);
    expect(rows).toHaveLength(30);
    expect(summary.load).toMatchObject({ target_rps: 20, arrival: 'constant', sent: 30 });
    expect(Math.abs(summary.load!.achieved_rps! - 20) / 20).toBeLessThan(0.1);
    // The simulator saw the same rate arrive.
    const received = [...log.values()].map((e) => e.received_at).sort((a, b) => a - b);
    const serverRate = (received.length - 1) / ((received.at(-1)! - received[0]!) / 1000);
    expect(Math.abs(serverRate - 20) / 20).toBeLessThan(0.1);
    expect(stdout).toMatch(/request rate: \d+\.\d\d\/s achieved, 20\/s asked \(constant, 30 sent/);
  });

  it('a job waiting for its arrival time carries that wait nowhere: not in ttft, latency or queue_ms', async () => {
    const { rows, log } = await run('spaced', 4, ['--request-rate', '5', '-j', '4']);
    const received = rows.map((r) => log.get(r.job_id)!.received_at);
    // 200 ms apart although four slots were free: each waited for its time.
    for (let i = 1; i < received.length; i++) expect(received[i]! - received[i - 1]!).toBeGreaterThan(180);
    expectClockedAtSend(rows, log);
    for (const row of rows) expect(row.queue_ms!).toBeLessThan(TTFT / 2);
  });

  it('a job due while every slot is busy waits in queue_ms, never in ttft or latency', async () => {
    // 50 a second asked, one slot: each job is due 20 ms after the last but sent only when the
    // last has ended (≥ 100 ms), so the sixth is ~400 ms behind its time when it goes out.
    const { rows, log } = await run('queued', 6, ['--request-rate', '50', '-j', '1']);
    expectClockedAtSend(rows, log);
    const last = rows.at(-1)!;
    expect(last.queue_ms!).toBeGreaterThan(300);
    expect(last.ttft_ms!).toBeLessThan(TTFT * 1.5);
    expect(rows.map((r) => r.queue_ms!)).toEqual([...rows.map((r) => r.queue_ms!)].sort((a, b) => a - b));
  });
});
