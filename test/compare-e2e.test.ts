// compare end to end on the simulator: a baseline run, a run from the same distribution (another
// seed: different answers, lengths and timings drawn from the same profiles) and a run with an
// injected regression (every /generation cost doubled by the `cost_mismatch` fault, tokens
// streamed three times slower). The regression must be flagged and gated (exit 3); the noise not.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns, type Comparison, type CompareRow } from '../src/compare/compare.js';
import { parseFailOn } from '../src/compare/fail-on.js';
import { readSide } from '../src/compare/load.js';
import { memoryEnv } from '../src/env.js';
import { ConfigError } from '../src/errors.js';
import { runSuite, type RunReport } from '../src/run/index.js';
import { runCli } from './helpers/cli.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const RULES = 'pass_rate<-5pp,slo_met_rate<-5pp,cost>+10%,tokens>+10%,p50_latency>+20%,p95_latency>+20%,p50_ttft>+20%';

// 24 distinct prompts, so each model × prompt cell has 24 jobs with their own drawn timings.
const SUITE = `
name: cmp
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
system_prompts: { terse: Answer briefly. }
checks:
  - max_latency_ms: 1000
tasks:
${Array.from({ length: 24 }, (_, i) => `  - { id: t${i}, prompt: "question number ${i}" }`).join('\n')}
params: { max_tokens: 40 }
concurrency: 12
`;

let ws: Workspace;
let baseline: RunReport;
let same: RunReport;
let regressed: RunReport;
let sameOut: string;
let regressedOut: string;

const run = async (out: string, seed: number, extra: Record<string, unknown> = {}) => {
  const env = memoryEnv({ cwd: ws.dir });
  const report = await runSuite({ suitePath: 'suite.yaml', out, mock: true, params: { seed }, ...extra }, env);
  return { report, stdout: env.out() };
};

beforeAll(async () => {
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  baseline = (await run('base', 1)).report;
  const s = await run('same', 2, { baseline: 'base', failOn: RULES });
  same = s.report;
  sameOut = s.stdout;
  const r = await run('slow', 1, { baseline: 'base', failOn: RULES, mockOptions: { fault: 'cost_mismatch', itlMs: 30 } });
  regressed = r.report;
  regressedOut = r.stdout;
}, 120_000);

afterAll(async () => {
  await ws.cleanup();
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: ws.dir, env });

const find = (c: Comparison, model: string, metric: string): CompareRow => c.rows.find((r) => r.model === model && r.metric === metric)!;
const MODELS = ['openai/gpt-4o-mini', 'meta-llama/llama-3.1-8b-instruct'];

describe('run --baseline on the simulator', () => {
  it('ran three complete runs', () => {
    for (const r of [baseline, same, regressed]) expect(r.summary.overall).toMatchObject({ n: 48, ok: 48, errors: 0 });
    // max_latency_ms 1000 leaves the profiles (≈ 0.5–0.8 s) room for a loaded machine.
    expect(baseline.summary.groups).toHaveLength(MODELS.length);
    for (const g of baseline.summary.groups) expect(g.slo_met_rate).toBeGreaterThanOrEqual(0.9);
  });

  it('does not flag a run from the same distribution (exit 0, no failure)', async () => {
    expect(same.exitCode).toBe(0);
    expect(sameOut).toMatch(/gate passed/);
    const c = compareRuns(await readSide(ws.path('base')), await readSide(ws.path('same')), parseFailOn(RULES));
    expect(c.failures).toEqual([]);
    for (const model of MODELS) {
      // Same profiles, other seed: the answers differ, so tokens and cost move a little — not significantly.
      expect(find(c, model, 'tokens').delta).not.toBe(0);
      expect(find(c, model, 'tokens').significant).toBe(false);
      expect(find(c, model, 'cost').significant).toBe(false);
      expect(find(c, model, 'slo_met_rate')).toMatchObject({ significant: false, failed: [] });
    }
    expect(existsSync(ws.path('same/compare.md'))).toBe(true);
  });

  it('flags the injected cost and latency regression and exits 3', async () => {
    expect(regressed.exitCode).toBe(3);
    expect(regressedOut).toMatch(/gate FAILED/);
    const c = compareRuns(await readSide(ws.path('base')), await readSide(ws.path('slow')), parseFailOn(RULES));
    for (const model of MODELS) {
      const cost = find(c, model, 'cost');
      expect(cost).toMatchObject({ significant: true, worse: true, failed: ['cost>+10%'] });
      // cost_mismatch doubles /generation's total_cost; the same seed gives the same tokens.
      expect(cost.delta).toBeCloseTo(100, 0);
      expect(find(c, model, 'tokens')).toMatchObject({ delta: 0, significant: false, failed: [] });
      for (const metric of ['p50_latency', 'p95_latency']) {
        const row = find(c, model, metric);
        expect(row).toMatchObject({ significant: true, worse: true, failed: [`${metric}>+20%`] });
        expect(row.delta!).toBeGreaterThan(50);
      }
      // Time to first token was not touched: no TTFT regression is claimed.
      expect(find(c, model, 'p50_ttft').failed).toEqual([]);
      // Slower streams break the max_latency_ms check: fewer requests under the SLO, and no
      // quality verdict at all (a speed check is not one: the pass rate is unknown on both sides).
      expect(find(c, model, 'slo_met_rate')).toMatchObject({ significant: true, worse: true, failed: ['slo_met_rate<-5pp'] });
      expect(find(c, model, 'pass_rate')).toMatchObject({ baseline: null, current: null, failed: [] });
    }
    const md = await readFile(ws.path('slow/compare.md'), 'utf8');
    expect(md).toMatch(/gate: \*\*FAILED\*\*/);
    expect(md).toMatch(/\| openai\/gpt-4o-mini \| terse \| cost\/job \| .* \| yes, worse \| .* \| FAIL cost>\+10% \|/);
  });
});

describe('run --baseline: bad input is exit 2 before anything is sent', () => {
  it.each([
    [{ baseline: 'base', failOn: 'cost>+10pp' }, /in percent: write it as cost>\+10%/],
    [{ baseline: 'nowhere' }, /The baseline nowhere does not exist/],
    [{ failOn: 'cost>+10%' }, /`--fail-on` needs `--baseline DIR`/],
  ])('%j', async (extra, message) => {
    const env = memoryEnv({ cwd: ws.dir });
    const error = await runSuite({ suitePath: 'suite.yaml', out: 'never', mock: true, ...extra }, env).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(message);
    expect(existsSync(ws.path('never'))).toBe(false);
  });
});

describe('agent-lab compare (the CLI)', () => {
  it('exits 3 on the regression, writes compare.md where --out says, and adds it to a GitHub job summary', async () => {
    await writeFile(ws.path('step-summary.md'), '## an earlier step\n');
    const r = await cli(['compare', 'base', 'slow', '--fail-on', 'cost>+10%', '--out', 'cmp.md'], { GITHUB_STEP_SUMMARY: ws.path('step-summary.md') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/cost\/job .* yes, worse .* FAIL cost>\+10%/);
    expect(r.stdout).toMatch(/compare: cmp\.md/);
    const md = await readFile(ws.path('cmp.md'), 'utf8');
    expect(md).toMatch(/^# agent-lab compare/);
    expect(await readFile(ws.path('step-summary.md'), 'utf8')).toBe(`## an earlier step\n${md}\n`);
  });

  it('exits 0 on same-distribution noise', async () => {
    const r = await cli(['compare', 'base', 'same', '--fail-on', RULES, '--out', join('same', 'again.md')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gate passed/);
  });

  it('with summary.json files only, says latency significance is unavailable and does not gate on it', async () => {
    const r = await cli(['compare', 'base/summary.json', 'slow/summary.json', '--fail-on', 'p50_latency>+20%', '--json', '--out', 'summary-only.md']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as Comparison;
    expect(c.notes.join(' ')).toMatch(/latency, TTFT, token and cost significance is unavailable/);
    expect(c.untested.length).toBe(2);
    const latency = c.rows.filter((x) => x.metric === 'p50_latency');
    expect(latency.map((x) => x.model).sort()).toEqual([...MODELS].sort());
    expect(latency.every((x) => x.significant === null && x.delta! > 50)).toBe(true);
  });

  it('rejects a bad --fail-on with exit 2 before reading anything', async () => {
    const r = await cli(['compare', 'base', 'does-not-exist', '--fail-on', 'latency>+20%']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown metric `latency` in --fail-on/);
    const missing = await cli(['compare', 'base', 'does-not-exist']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does-not-exist does not exist/);
  });
});
