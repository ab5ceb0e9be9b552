// The cap across kills: SIGTERM aborts the streams in flight (billed, their cost not yet known)
// and a resume sends those jobs again. What every invocation spent must count against the one
// cap; the simulator outlives the runs here, so its billing is the ground truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import type { RunSummary } from '../src/types/summary.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-budget-resume-test-key-0123456789';

describe('SIGTERM + resume cycles under a cap', () => {
  let server: MockServer;
  let ws: Workspace;
  beforeAll(async () => {
    server = await startMockServer({ apiKey: KEY, ttftMs: 150, itlMs: 10, tokens: 30, generationDelayMs: 30 });
    // Each job bills ~1,520 prompt tokens, 1,500 of them hidden from the estimate.
    const tasks = Array.from({ length: 30 }, (_, i) => `  - { id: t${i}, prompt: "cycle ${i} [[mock: hidden_prompt=1500]]" }`).join('\n');
    ws = await workspace({ 'suite.yaml': `name: cycles\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\nparams: { max_tokens: 40 }\nconcurrency: 6\n`, 'agent-lab.config.yaml': FAST_CONFIG });
  });
  afterAll(async () => {
    await server.close();
    await ws.cleanup();
  });

  it('never spend more than the cap, and the run accounts for every billed attempt', async () => {
    const cap = 0.006;
    const env = { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') };
    let terminated = 0;
    for (let cycle = 0; cycle < 6; cycle++) {
      const from = server.requests.length;
      const args = cycle === 0 ? ['run', 'suite.yaml', '--out', 'out', '--max-cost', String(cap)] : ['resume', 'out'];
      const run = spawnCli(args, { cwd: ws.dir, env });
      const streaming = () => server.requests.slice(from).filter((r) => r.first_byte_at !== null && r.end_at === null).length >= 2;
      // Kill it with streams in flight; a resume that has nothing left to send ends by itself.
      const inFlight = await run.until(streaming, { what: 'two streams in flight', timeout: 15_000 }).then(
        () => true,
        () => false,
      );
      if (inFlight) {
        run.child.kill('SIGTERM');
        terminated++;
      }
      const exit = await run.exit;
      expect([130, 4], exit.stderr).toContain(exit.code);
    }
    expect(terminated).toBeGreaterThanOrEqual(4);
    const last = await runCli(['resume', 'out'], { cwd: ws.dir, env });
    expect([0, 4], last.stderr).toContain(last.code);

    const billed = server.billing();
    expect(billed.usd, `billed $${billed.usd} for a $${cap} cap`).toBeLessThanOrEqual(cap);
    // Every billed stream, aborted ones included, is on a row with its cost found — or was cut off
    // before anything named it, and is on a row as `unidentified` (counted at its worst case).
    const rows = await readResults(ws.path('out'));
    const attempts = rows.flatMap((r) => r.attempt_log);
    const named = new Set(attempts.map((a) => a.generation_id).filter((id) => id !== null));
    const billedIds = server.requests.map((r) => r.generation_id).filter((id) => id !== null);
    expect(billedIds.filter((id) => !named.has(id)).length).toBeLessThanOrEqual(attempts.filter((a) => a.unidentified).length);
    expect(attempts.every((a) => a.generation_id === null || a.cost_usd !== null)).toBe(true);
    const known = rows.reduce((sum, r) => sum + r.attempt_log.reduce((s, a) => s + (a.cost_usd ?? 0), 0), 0);
    const unnamed = server.requests.filter((r) => r.generation_id !== null && !named.has(r.generation_id)).length;
    expect(known).toBeLessThanOrEqual(billed.usd + 1e-12);
    if (unnamed === 0) expect(known).toBeCloseTo(billed.usd, 12);
  });
});

describe('resuming a killed --mock run', () => {
  it('knows the dead simulator took its costs along: marks them at once instead of polling for a minute', async () => {
    // generation.max_wait_ms stays at its default (60 s); the costs are 30 s late when the run is killed.
    const tasks = Array.from({ length: 4 }, (_, i) => `  - { id: m${i}, prompt: "late ${i} [[mock: fault=generation_delay ms=30000]]" }`).join('\n');
    const w = await workspace({ 'suite.yaml': `name: mockkill\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\n`, 'agent-lab.config.yaml': 'log_level: warn\n' });
    try {
      const run = spawnCli(['run', 'suite.yaml', '--mock', '--out', 'out'], { cwd: w.dir, env: { AGENT_LAB_CACHE_DIR: w.path('cache') } });
      await run.until(async () => (await readResults(w.path('out'), { torn: true, optional: true })).length === 4, { what: '4 rows on disk' });
      run.child.kill('SIGKILL');
      await run.exit;
      const startedAt = Date.now();
      const resumed = await runCli(['resume', 'out'], { cwd: w.dir, env: { AGENT_LAB_CACHE_DIR: w.path('cache') } });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect(resumed.stderr).toContain('4 job(s) of the earlier run have costs that cannot be looked up');
      const rows = await readResults(w.path('out'));
      expect(rows.map((r) => r.cost_source)).toEqual(['none', 'none', 'none', 'none']);
      const summary = await readJson<RunSummary>(w.path('out/summary.json'));
      expect(summary.overall.cost_pending).toBe(0);
    } finally {
      await w.cleanup();
    }
  }, 30_000);
});

describe('a resume under a cap, after the judge was paid', () => {
  it("counts the verdicts the folder holds: they were paid for, and the cap is the folder's", async () => {
    const server = await startMockServer({ apiKey: KEY, ttftMs: 0, itlMs: 0, tokens: 20, generationDelayMs: 10 });
    // Task j0 fails once (a 400 is not retried, and not billed): a resume with --retry-errors sends it again.
    const tasks = Array.from({ length: 16 }, (_, i) => `  - id: j${i}\n    prompt: "Explain topic ${i} in one line.${i === 0 ? ' [[mock: fault=bad_request times=1]]' : ''}"\n    checks:\n      - judge: { rubric: "Explains the topic clearly in one line.", threshold: 0.1 }`).join('\n');
    const w = await workspace({
      'suite.yaml': `name: judged\njudge: { model: mock/judge }\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\nparams: { max_tokens: 40 }\n`,
      'agent-lab.config.yaml': FAST_CONFIG,
    });
    const env = { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: w.path('cache') };
    try {
      const first = await runCli(['run', 'suite.yaml', '--out', 'out'], { cwd: w.dir, env });
      expect(first.code, first.stderr).toBe(1);
      const rows = await readResults(w.path('out'));
      const judged = rows.filter((r) => r.judge_cost_usd !== null);
      expect(judged).toHaveLength(15);
      const paid = server.billing().usd;
      const subjects = rows.reduce((sum, r) => sum + (r.cost_usd ?? 0), 0);
      // The judge (mock/judge: $1/M in, $2/M out) is most of what was paid.
      expect(paid - subjects).toBeGreaterThan(5 * subjects);
      // Room for less than one more judged job (its worst case, judge included: ~$0.0009) if the
      // verdicts count; for two (~$0.002 of verdicts) if they did not.
      const cap = paid + 0.00002;
      const resumed = await runCli(['resume', 'out', '--retry-errors', '--max-cost', String(cap)], { cwd: w.dir, env });
      expect([0, 1, 4], resumed.stderr).toContain(resumed.code);
      expect(server.billing().usd, `billed $${server.billing().usd} for a $${cap} cap`).toBeLessThanOrEqual(cap);
      const j0 = (await readResults(w.path('out'))).find((r) => r.task_id === 'j0');
      expect(j0?.status).toBe('skipped');
    } finally {
      await server.close();
      await w.cleanup();
    }
  });
});
