// Per-task consistency end to end against the simulator: per-task repeats in the matrix, the
// consistency block of summary.json (an errored repeat counts as not passed), its gates from the
// suite and from --gate, and compare's task flips between two runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite, type RunOptions } from '../src/run/index.js';
import type { RunSummary } from '../src/types/summary.js';
import { runCli } from './helpers/cli.js';
import { readJson, readJsonl } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-consistency-test-key-0123456789';
// `times=1`: only the first of the identical requests (the first repeat to arrive) gets the fault,
// so one server makes `flaky` fail once, and a second run on it passes every repeat.
const SUITE = `
name: consistency
models: [openai/gpt-4o-mini]
repeats: 2
tasks:
  - id: steady
    prompt: 'Capital? [[mock: reply="Canberra"]]'
    checks: [{ contains: Canberra }]
  - id: flaky
    repeats: 3
    prompt: 'Capital? [[mock: reply="Canberra" fault=empty times=1]]'
    checks: [{ contains: Canberra }]
  - id: flaky-error
    repeats: 3
    prompt: 'Capital? [[mock: reply="Canberra" fault=bad_request times=1]]'
    checks: [{ contains: Canberra }]
  - id: unchecked
    prompt: hello
`;

let server: MockServer;
let ws: Workspace;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 10 });
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

const run = async (out: string, options: Partial<RunOptions> = {}) => {
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
  const report = await runSuite({ suitePath: 'suite.yaml', out, history: false, ...options }, env);
  return { ...report, stdout: env.out() };
};

describe('per-task consistency on a real run', () => {
  let first: Awaited<ReturnType<typeof run>>;
  let second: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    first = await run('first', { gates: { max_flaky_tasks: 0, min_task_pass_rate: 0.6, min_pass_hat_k: { k: 3, value: 0.5 } } });
    second = await run('second');
  });

  it("runs each task its own repeats, else the suite's", async () => {
    const rows = await readJsonl<{ task_id: string; repeat: number }>(ws.path('first/results.jsonl'));
    const per = Object.fromEntries(['steady', 'flaky', 'flaky-error', 'unchecked'].map((id) => [id, rows.filter((r) => r.task_id === id).map((r) => r.repeat).sort()]));
    expect(per).toEqual({ steady: [0, 1], flaky: [0, 1, 2], 'flaky-error': [0, 1, 2], unchecked: [0, 1] });
  });

  it('writes each task × column: n, passed, pass@k, pass^k and flaky; an errored repeat is not a pass', async () => {
    const summary = await readJson<RunSummary>(ws.path('first/summary.json'));
    const [c] = summary.consistency!;
    expect(c).toMatchObject({ model: 'openai/gpt-4o-mini', system_prompt_id: 'default', tasks: 3, flaky_tasks: 2, failing_tasks: 0 });
    const byId = Object.fromEntries(c!.per_task.map((t) => [t.task_id, t]));
    expect(Object.keys(byId).sort()).toEqual(['flaky', 'flaky-error', 'steady']);
    expect(byId.steady).toMatchObject({ n: 2, passed: 2, pass_rate: 1, flaky: false, pass_hat_k: { 1: 1, 2: 1 } });
    expect(byId.flaky).toMatchObject({ n: 3, passed: 2, flaky: true, pass_at_k: { 1: 0.666667, 2: 1, 3: 1 }, pass_hat_k: { 1: 0.666667, 2: 0.333333, 3: 0 } });
    expect(byId['flaky-error']).toMatchObject({ n: 3, passed: 2, flaky: true });
    // The run-level pass rate keeps its meaning: the errored job is in errors, not in checked.
    expect(summary.groups[0]).toMatchObject({ checked: 7, passed: 6, errors: 1 });
    expect(first.stdout).toMatch(/flaky\s/);
    expect(first.stdout).toMatch(/ 2\/3\s/);
  });

  it('gates per task: flaky count and pass^3 fail (exit 3), the lowest task pass rate passes', () => {
    expect(first.summary.gates!.map((g) => [g.gate, g.status, g.actual])).toEqual([
      ['min_task_pass_rate', 'pass', 2 / 3],
      ['max_flaky_tasks', 'fail', 2],
      ['min_pass_hat_k', 'fail', 0],
    ]);
    expect(first.exitCode).toBe(EXIT.gate);
  });

  it('a second run on the same server passes every repeat; compare lists the flips and gates their count only when asked', async () => {
    expect(second.summary.consistency![0]!.flaky_tasks).toBe(0);
    const plain = await runCli(['compare', 'first', 'second'], { cwd: ws.dir });
    expect(plain.code).toBe(EXIT.ok);
    expect(plain.stdout).toContain('task flips: 2 (pass state changed; not tested for significance');
    expect(plain.stdout).toContain('flaky · openai/gpt-4o-mini · default: flaky 2/3 → pass 3/3');
    expect(plain.stdout).toContain('flaky-error · openai/gpt-4o-mini · default: flaky 2/3 → pass 3/3');
    const gated = await runCli(['compare', 'first', 'second', '--fail-on', 'task_flips>1', '--json'], { cwd: ws.dir });
    expect(gated.code).toBe(EXIT.gate);
    const json = JSON.parse(gated.stdout) as { failures: string[]; task_flips: unknown[] };
    expect(json.task_flips).toHaveLength(2);
    expect(json.failures).toEqual([expect.stringContaining('2 task(s) flipped, more than 1 (task_flips>1)')]);
    expect((await runCli(['compare', 'first', 'second', '--fail-on', 'task_flips>2'], { cwd: ws.dir })).code).toBe(EXIT.ok);
    // A bare summary.json lists its repeated tasks, so flips are found from it too.
    const bare = await runCli(['compare', 'first/summary.json', 'second/summary.json', '--fail-on', 'task_flips>1'], { cwd: ws.dir });
    expect(bare.code).toBe(EXIT.gate);
  });

  it('the CLI takes the new gates as --gate key=value and refuses a bad one before sending anything', async () => {
    const res = await runCli(['run', 'suite.yaml', '--mock', '--out', 'cli', '--no-history', '--gate', 'max_flaky_tasks=5', '--gate', 'min_pass_hat_k=2:0.1'], { cwd: ws.dir });
    expect(res.stdout).toMatch(/gates: all 2 passed/);
    // The run's exit code is the errored job's (1): the gates passed.
    expect(res.code).toBe(EXIT.jobs_failed);
    const bad = await runCli(['run', 'suite.yaml', '--mock', '--gate', 'min_pass_hat_k=0.8'], { cwd: ws.dir });
    expect(bad.code).toBe(EXIT.config);
    expect(bad.stderr).toContain('as k:value');
    const unknown = await runCli(['run', 'suite.yaml', '--mock', '--gate', 'max_flakey_tasks=1'], { cwd: ws.dir });
    expect(unknown.code).toBe(EXIT.config);
    expect(unknown.stderr).toContain('max_flaky_tasks');
  });

  it('refuses a per-task gate on a suite without quality checks, before sending anything', async () => {
    await ws.write('speed-only.yaml', 'name: speed\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi, checks: [{ max_ttft_ms: 100 }] }]\n');
    const before = server.requests.length;
    await expect(run('x', { suitePath: 'speed-only.yaml', gates: { max_flaky_tasks: 1 } })).rejects.toThrow(/`max_flaky_tasks` needs checks on the answers.*speed checks/);
    expect(server.requests.length).toBe(before);
  });
});
