// kill -9 at several moments, against a simulator in its own process: after each kill the
// rows on disk say which jobs finished, and the simulator's own request log (GET
// /__mock/requests) must show that no later run sent any of them again. The last resume must
// leave exactly one ok row per job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockRequestLog } from '../src/mock/server.js';
import type { JobResult } from '../src/types/result.js';
import { runCli, spawnCli, type CliProcess } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const JOBS = 30;

let simulator: CliProcess;
let baseUrl: string;
let ws: Workspace;

beforeAll(async () => {
  simulator = spawnCli(['mock-server', '--port', '0', '--ttft', '30', '--itl', '4', '--tokens', '12', '--generation-delay', '40'], { timeout: Infinity });
  baseUrl = await simulator.until(() => /listening on (\S+)/.exec(simulator.out())?.[1], { what: 'mock-server listening' });
  const tasks = Array.from({ length: JOBS }, (_, i) => `  - { id: t${i}, prompt: "question number ${i}" }`).join('\n');
  ws = await workspace({ 'suite.yaml': `name: kill\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\nconcurrency: 4\n`, 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(async () => {
  simulator.child.kill('SIGTERM');
  await simulator.exit;
  await ws.cleanup();
});

async function log(): Promise<MockRequestLog[]> {
  const res = await fetch(baseUrl.replace(/\/api\/v1$/, '/__mock/requests'));
  return (await res.json()) as MockRequestLog[];
}

/** The rows on disk so far; a line being written when the process died is torn. */
const rows = (): Promise<JobResult[]> => readResults(ws.path('out'), { torn: true, optional: true });

const options = () => ({ cwd: ws.dir, env: { OPENROUTER_API_KEY: 'sk-or-v1-dummy-kill-test' } });

/** Run the CLI; SIGKILL it as soon as `killWhen` (polled every 5 ms) returns true. */
async function cli(args: string[], killWhen?: () => Promise<boolean>) {
  if (!killWhen) return runCli([...args, '--base-url', baseUrl], options());
  const run = spawnCli([...args, '--base-url', baseUrl], options());
  try {
    await run.until(killWhen, { interval: 5, timeout: 30_000, what: 'the moment to kill' });
  } finally {
    run.child.kill('SIGKILL');
  }
  return run.exit;
}

describe('kill -9 at any moment, then resume', () => {
  it('never re-sends a finished job, and ends with exactly one ok row per job', async () => {
    const finished = new Set<string>();
    let seen = 0;
    // Moments: while the very first requests are in flight, after a few rows, after many rows.
    const moments: [string, () => Promise<boolean>][] = [
      ['first request in flight', async () => (await log()).length > seen],
      ['5 rows on disk', async () => (await rows()).length >= 5],
      ['18 rows on disk', async () => (await rows()).length >= 18],
    ];
    for (const [i, [moment, when]] of moments.entries()) {
      const before = (await log()).length;
      const args = i === 0 ? ['run', 'suite.yaml', '--out', 'out'] : ['resume', 'out'];
      const result = await cli(args, when);
      expect(result.signal, `${moment}: ${result.stderr}`).toBe('SIGKILL');
      const sent = (await log()).slice(before);
      seen = before + sent.length;
      for (const entry of sent) expect(finished.has(entry.job!), `${moment}: re-sent ${entry.job}`).toBe(false);
      for (const row of await rows()) if (row.status === 'ok') finished.add(row.job_id);
    }
    expect(finished.size).toBeGreaterThanOrEqual(18);
    expect(finished.size).toBeLessThan(JOBS);

    const before = (await log()).length;
    const last = await cli(['resume', 'out']);
    expect(last.code, last.stderr).toBe(0);
    const resent = (await log()).slice(before).filter((entry) => finished.has(entry.job!));
    expect(resent).toEqual([]);

    const final = await rows();
    expect(final).toHaveLength(JOBS);
    expect(new Set(final.map((r) => r.job_id)).size).toBe(JOBS);
    expect(final.every((r) => r.status === 'ok')).toBe(true);
    // Costs the killed runs were still waiting for were fetched by the resumes.
    expect(final.every((r) => r.cost_source === 'generation' && r.cost_usd! > 0)).toBe(true);
    // Every job the simulator served is accounted for by a row; none was paid for twice
    // after it finished (in-flight jobs at a kill are the only ones that may repeat).
    const perJob = new Map<string, number>();
    for (const entry of await log()) perJob.set(entry.job!, (perJob.get(entry.job!) ?? 0) + 1);
    expect(perJob.size).toBe(JOBS);
    const repeated = [...perJob.values()].filter((n) => n > 1).length;
    expect(repeated).toBeLessThanOrEqual(3 * 4); // at most one concurrency's worth per kill
    const summary = await readJson(ws.path('out/summary.json'));
    expect(summary.overall).toMatchObject({ n: JOBS, ok: JOBS, errors: 0 });
  }, 60_000);
});
