// Gates: the pure verdicts and exit-code precedence, then each gate and its exit code on real
// runs against the simulator, from flags, from the suite's `gates:`, and through the CLI binary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { evaluateGates, exitCodeFor, mergeGates } from '../src/ci/gates.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite, type RunOptions } from '../src/run/index.js';
import type { RunSummary } from '../src/types/summary.js';
import { runCli } from './helpers/cli.js';
import { readJson } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const meta = { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' as const };

describe('evaluateGates', () => {
  const summary = summarize(
    [
      row({ model: 'a', model_label: 'A', passed: true, latency_ms: 100, cost_usd: 0.01 }),
      row({ model: 'a', model_label: 'A', passed: false, latency_ms: 200, cost_usd: 0.01 }),
      row({ model: 'b', model_label: 'B', passed: true, latency_ms: 900, cost_usd: 0.01 }),
      row({ model: 'b', model_label: 'B', status: 'error', error_kind: 'server', passed: null, cost_usd: null, cost_source: 'none' }),
    ],
    meta,
  );

  it('gates pass rate and p95 per model × system prompt, cost on the whole run', () => {
    const results = evaluateGates(summary, { min_pass_rate: 0.9, max_p95_latency_ms: 500, max_total_cost: 0.05 });
    expect(results.map((r) => [r.gate, r.scope, r.status])).toEqual([
      ['min_pass_rate', 'A / p', 'fail'],
      ['min_pass_rate', 'B / p', 'pass'],
      ['max_p95_latency_ms', 'A / p', 'pass'],
      ['max_p95_latency_ms', 'B / p', 'fail'],
      ['max_total_cost', 'all', 'pass'],
    ]);
    expect(results[0]!.message).toBe('A / p: pass rate 50% (1/2) < 90%');
    expect(results[3]!).toMatchObject({ actual: 900, message: 'B / p: p95 latency 900 ms > 500 ms' });
    expect(evaluateGates(summary, {})).toEqual([]);
    expect(evaluateGates(summarize([], meta), { min_pass_rate: 0.9, max_total_cost: 1 })).toEqual([]);
  });

  it('is unknown, not passed, when the measure is missing', () => {
    const errored = summarize([row({ status: 'error', error_kind: 'server', passed: null, latency_ms: null, cost_usd: null, cost_source: 'none' })], meta);
    const results = evaluateGates(errored, { min_pass_rate: 0.5, max_p95_latency_ms: 1, max_total_cost: 1 });
    expect(results.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(results[0]!.message).toContain('1 errored');
  });

  it('fails the cost gate on known costs over it even while some are pending, else unknown', () => {
    const pending = (known: number) => summarize([row({ cost_usd: known }), row({ cost_usd: null, cost_source: 'pending' })], meta);
    expect(evaluateGates(pending(2), { max_total_cost: 1 })[0]).toMatchObject({ status: 'fail', message: 'total cost $2.0000 (+1 pending) > $1' });
    expect(evaluateGates(pending(0.5), { max_total_cost: 1 })[0]).toMatchObject({ status: 'unknown', message: expect.stringContaining('1 job cost(s) still pending') });
  });

  it('mergeGates: later layers win key by key', () => {
    expect(mergeGates({ min_pass_rate: 0.9, max_total_cost: 1 }, { min_pass_rate: 0.5 }, undefined)).toEqual({ min_pass_rate: 0.5, max_total_cost: 1 });
  });
});

describe('exitCodeFor: one precedence for every gate', () => {
  const clean = summarize([row()], meta);
  const errored = summarize([row(), row({ status: 'error', error_kind: 'server' })], meta);
  const fail = [{ status: 'fail' as const }];
  const unknown = [{ status: 'unknown' as const }];
  it.each([
    ['all ok', 'ok', clean, [], EXIT.ok],
    ['a measured gate failure', 'ok', clean, fail, EXIT.gate],
    ['a gate failure while some jobs errored: still 3', 'ok', errored, fail, EXIT.gate],
    ['jobs errored, gates passed', 'ok', errored, [{ status: 'pass' as const }], EXIT.jobs_failed],
    ['a gate that could not be measured', 'ok', clean, unknown, EXIT.jobs_failed],
    ['an auth/credits stop beats a gate failure (the run is incomplete)', 'stopped', clean, fail, EXIT.jobs_failed],
    ['the budget stop beats a gate failure', 'budget', clean, fail, EXIT.budget],
    ['an interrupt beats everything', 'interrupted', errored, fail, EXIT.interrupted],
  ] as const)('%s', (_, status, summary, gates, code) => {
    expect(exitCodeFor(status, summary as RunSummary, gates)).toBe(code);
  });
});

describe('gates on runs against the simulator', () => {
  const KEY = 'sk-or-v1-gates-test-key-0123456789ab';
  let server: MockServer;
  let ws: Workspace;
  let n = 0;
  const suite = (extra = '') => `
name: gated
models: [openai/gpt-4o-mini]
tasks:
  - id: right
    prompt: 'Capital? [[mock: reply="Canberra." ttft=5]]'
    checks: [{ icontains: canberra }]
  - id: wrong
    prompt: 'Capital? [[mock: reply="Sydney." ttft=5]]'
    checks: [{ icontains: canberra }]
${extra}`;
  const run = async (suiteText: string, options: Partial<RunOptions> = {}, config = FAST_CONFIG) => {
    n++;
    await ws.write(`s${n}/suite.yaml`, suiteText);
    await ws.write(`s${n}/agent-lab.config.yaml`, config);
    const env = memoryEnv({ cwd: ws.path(`s${n}`), env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', history: false, ...options }, env);
    return { ...report, stdout: env.out(), stderr: env.err(), dir: ws.path(`s${n}/out`) };
  };

  beforeAll(async () => {
    server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 10 });
    ws = await workspace();
  });
  afterAll(async () => {
    await server.close();
    await ws.cleanup();
  });

  it('min_pass_rate: 50% passes 0.5 (exit 0) and fails 0.9 (exit 3), printed and kept in summary.json', async () => {
    const ok = await run(suite(), { gates: { min_pass_rate: 0.5 } });
    expect(ok.exitCode).toBe(EXIT.ok);
    expect(ok.stdout).toContain('gates: all 1 passed');
    const bad = await run(suite(), { gates: { min_pass_rate: 0.9 } });
    expect(bad.exitCode).toBe(EXIT.gate);
    expect(bad.stdout).toMatch(/gates: 1 of 1 failed\n {2}FAIL {5}min_pass_rate {2}openai\/gpt-4o-mini \/ default: pass rate 50% \(1\/2\) < 90%/);
    const written = await readJson<RunSummary>(`${bad.dir}/summary.json`);
    expect(written.gates).toEqual([expect.objectContaining({ gate: 'min_pass_rate', status: 'fail', actual: 0.5, limit: 0.9 })]);
  });

  it('max_p95_latency_ms: a slow model fails it (exit 3), a generous limit passes', async () => {
    const slow = suite(`  - id: slow\n    prompt: 'x [[mock: reply="Canberra" ttft=400]]'\n`);
    const bad = await run(slow, { gates: { max_p95_latency_ms: 250 } });
    expect(bad.summary.overall.latency_ms.p95!).toBeGreaterThan(250);
    expect(bad.exitCode).toBe(EXIT.gate);
    expect((await run(slow, { gates: { max_p95_latency_ms: 60_000 } })).exitCode).toBe(EXIT.ok);
  });

  it('max_total_cost: over it is exit 3, under it exit 0', async () => {
    const bad = await run(suite(), { gates: { max_total_cost: 1e-9 } });
    expect(bad.summary.overall.cost_usd!).toBeGreaterThan(1e-9);
    expect(bad.exitCode).toBe(EXIT.gate);
    expect((await run(suite(), { gates: { max_total_cost: 100 } })).exitCode).toBe(EXIT.ok);
  });

  it('errored jobs: exit 1 when the gates pass, exit 3 when a gate fails regardless', async () => {
    const withError = suite(`  - id: broken\n    prompt: 'x [[mock: fault=bad_request]]'\n    checks: [{ contains: x }]\n`);
    const infra = await run(withError, { gates: { min_pass_rate: 0.5 } });
    expect(infra.summary.overall).toMatchObject({ errors: 1, checked: 2, passed: 1 });
    expect(infra.exitCode).toBe(EXIT.jobs_failed);
    expect((await run(withError, { gates: { min_pass_rate: 0.9 } })).exitCode).toBe(EXIT.gate);
  });

  it('a cost gate that cannot be measured (costs pending) is unknown: exit 1, not 0 and not 3', async () => {
    const pending = suite(`  - id: pending\n    prompt: 'x [[mock: fault=generation_never]]'\n`);
    const r = await run(pending, { gates: { max_total_cost: 100 } }, FAST_CONFIG.replace('max_wait_ms: 5000', 'max_wait_ms: 200'));
    expect(r.summary.overall.cost_pending).toBe(1);
    expect(r.summary.gates![0]!.status).toBe('unknown');
    expect(r.exitCode).toBe(EXIT.jobs_failed);
  });

  it("reads the suite's gates:, and a flag overrides one key", async () => {
    const gated = suite('gates:\n  min_pass_rate: 0.9\n  max_total_cost: 100\n');
    const fromSuite = await run(gated);
    expect(fromSuite.exitCode).toBe(EXIT.gate);
    expect(fromSuite.summary.gates!.map((g) => g.gate)).toEqual(['min_pass_rate', 'max_total_cost']);
    expect((await run(gated, { gates: { min_pass_rate: 0.5 } })).exitCode).toBe(EXIT.ok);
  });

  it('refuses min_pass_rate on a suite without checks, before sending anything', async () => {
    const before = server.requests.length;
    await expect(run('name: plain\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi }]\n', { gates: { min_pass_rate: 0.9 } })).rejects.toThrow(/`min_pass_rate` needs checks/);
    expect(server.requests.length).toBe(before);
  });

  it('the CLI maps the flags to the gate and exits 3', async () => {
    await ws.write('cli/suite.yaml', suite());
    await ws.write('cli/agent-lab.config.yaml', FAST_CONFIG);
    const cwd = ws.path('cli');
    const res = await runCli(['run', 'suite.yaml', '--mock', '--out', 'out', '--no-history', '--min-pass-rate', '0.9', '--max-total-cost', '100'], { cwd });
    expect(res.stdout).toContain('gates: 1 of 2 failed');
    expect(res.code).toBe(EXIT.gate);
    const usage = await runCli(['run', 'suite.yaml', '--mock', '--min-pass-rate', '90'], { cwd });
    expect(usage.code).toBe(EXIT.config);
    expect(usage.stderr).toContain('share from 0 to 1');
  });
});
