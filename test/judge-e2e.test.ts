// The LLM judge end to end against the simulator: mock/judge scores an answer by the share of
// the rubric's words (4+ letters) it holds, so each test knows the verdict it must get. The
// subject is gpt-4o-mini told its answer by a directive (the judge takes directives from its
// rubric only). Costs are checked against the simulator's own billing; re-checks and resumes
// against its request log.
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { judgeScore } from '../src/mock/judge.js';
import { runSuite, type RunOptions } from '../src/run/index.js';
import { resumeOptions } from '../src/run/resume.js';
import type { JobResult } from '../src/types/result.js';
import { runCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-judge-e2e-key-0123456789abcdef';

const task = (id: string, answer: string, rubric: string, threshold = 0.5) =>
  `  - id: ${id}\n    prompt: 'Question ${id} [[mock: reply="${answer}"]]'\n    checks:\n      - judge: { rubric: "${rubric}", threshold: ${threshold} }`;
const suite = (tasks: string[], extra = '') =>
  `name: judged\nmodels: [openai/gpt-4o-mini]\njudge: { model: mock/judge }\nparams: { max_tokens: 40 }\ntasks:\n${tasks.join('\n')}\n${extra}`;

let server: MockServer;
let ws: Workspace;
let n = 0;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 10 });
});
afterAll(() => server.close());
beforeEach(async () => void (ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG })));
afterEach(() => ws.cleanup());

const envFor = () => memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
const since = (before: number) => server.requests.slice(before);
const judgeRequests = (before: number) => since(before).filter((r) => r.model === 'mock/judge');
const subjectRequests = (before: number) => since(before).filter((r) => r.model !== 'mock/judge');

async function run(suiteText: string, options: Partial<RunOptions> = {}) {
  await ws.write('suite.yaml', suiteText);
  const out = `out${++n}`;
  const before = server.requests.length;
  const billed = server.billing().usd;
  const env = envFor();
  const report = await runSuite({ suitePath: 'suite.yaml', out, history: false, ...options }, env);
  return { report, out, before, billed: server.billing().usd - billed, rows: await readResults(ws.path(out)), summary: await readJson(ws.path(`${out}/summary.json`)), err: env.err() };
}

const byTask = (rows: JobResult[]) => new Map(rows.map((r) => [r.task_id, r]));
const sum = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 1e9) / 1e9;

describe('judge checks', () => {
  it('score, threshold and reason on the row; pass when score >= threshold; judge cost from /generation kept apart', async () => {
    const r = await run(suite([task('good', 'We decline politely and cite the policy', 'decline politely, cite the policy'), task('half', 'Sunny weather', 'weather sunny forecast tomorrow', 0.6)]));
    // A failed check alone is no failed job: without a gate the run exits 0.
    expect(r.report.exitCode).toBe(0);
    const rows = byTask(r.rows);
    const good = rows.get('good')!;
    expect(good.checks[0]).toMatchObject({ pass: true, verdict: 'pass', score: 1, threshold: 0.5, reason: '4 of 4 rubric words found' });
    expect(good.passed).toBe(true);
    const half = rows.get('half')!;
    expect(judgeScore('weather sunny forecast tomorrow', 'Sunny weather')).toBe(0.5);
    expect(half.checks[0]).toMatchObject({ pass: false, verdict: 'fail', score: 0.5, threshold: 0.6 });
    expect(half.passed).toBe(false);
    // Two judge requests, each billed; the subject's cost and the judge's add up to what the simulator billed.
    expect(judgeRequests(r.before)).toHaveLength(2);
    for (const row of r.rows) {
      expect(row.judge_cost_usd).toBeGreaterThan(0);
      expect(row.judge_tokens_prompt).toBeGreaterThan(0);
      expect(row.judge_tokens_completion).toBeGreaterThan(0);
      expect(row.cost_usd).toBeGreaterThan(0);
      expect(row.judge_cost_usd).not.toBe(row.cost_usd);
    }
    const subject = sum(r.rows.map((x) => x.cost_usd!));
    const judge = sum(r.rows.map((x) => x.judge_cost_usd!));
    expect(sum([subject, judge])).toBeCloseTo(r.billed, 12);
    // mock/judge's prices: $1/M prompt, $2/M completion, on /generation's native counts.
    for (const row of r.rows) expect(row.judge_cost_usd).toBeCloseTo(row.judge_tokens_prompt! * 1e-6 + row.judge_tokens_completion! * 2e-6, 12);
    const o = r.summary.overall;
    expect(o).toMatchObject({ judge_scored: 2, judge_score: 0.75, checks_errored: 0, checked: 2, passed: 1 });
    expect(o.cost_usd).toBeCloseTo(subject, 12);
    expect(o.judge_cost_usd).toBeCloseTo(judge, 12);
    expect(o.total_cost_usd).toBeCloseTo(subject + judge, 12);
    expect(o.judge_score_ci95[0]).toBeLessThanOrEqual(0.75);
    expect(o.judge_score_ci95[1]).toBeGreaterThanOrEqual(0.75);
    expect(r.report.summary.groups[0]!.judge_score).toBe(0.75);
  });

  it('a judge that fails (HTTP after retries, unparsable reply) is an error verdict: never a pass or a fail', async () => {
    const r = await run(
      suite([
        task('http', 'Anything', 'anything [[mock: fault=server status=500]]'),
        task('garbage', 'Anything', 'anything JUDGE-GARBAGE'),
        task('fenced', 'Anything here', 'anything JUDGE-FENCE'),
        task('prose', 'Anything here', 'anything JUDGE-PROSE'),
      ]),
    );
    const rows = byTask(r.rows);
    const http = rows.get('http')!;
    expect(http.checks[0]).toMatchObject({ pass: false, verdict: 'error', score: null });
    expect(http.checks[0]!.detail).toMatch(/judge error: the judge request failed \(server/);
    expect(http.passed).toBeNull();
    expect(rows.get('garbage')!.checks[0]).toMatchObject({ verdict: 'error', score: null });
    expect(rows.get('garbage')!.checks[0]!.detail).toMatch(/holds no \{"score", "reason"\} object/);
    expect(rows.get('garbage')!.passed).toBeNull();
    // The tolerant reader finds the verdict in a fence and inside prose.
    expect(rows.get('fenced')!.checks[0]).toMatchObject({ verdict: 'pass', score: 1 });
    expect(rows.get('prose')!.checks[0]).toMatchObject({ verdict: 'pass', score: 1 });
    // The HTTP failure was retried (retry.max_attempts 4), the garbage reply was paid for.
    expect(judgeRequests(r.before).filter((x) => x.status === 500)).toHaveLength(4);
    expect(rows.get('garbage')!.judge_cost_usd).toBeGreaterThan(0);
    // Errored verdicts are counted apart, outside the pass rate.
    expect(r.summary.overall).toMatchObject({ checks_errored: 2, checked: 2, passed: 2, pass_rate: 1 });
    // Not fully graded: exit 1, as for failed jobs.
    expect(r.report.exitCode).toBe(1);
  });
});

describe('re-checking and resuming send nothing twice', () => {
  it('recheck sends no subject request and asks only verdicts not already paid for; resume sends nothing', async () => {
    const gate = 'gates: { min_pass_rate: 1 }\n';
    const tasks = [task('a', 'We decline politely', 'decline politely'), task('b', 'Sunny weather', 'weather sunny forecast tomorrow', 0.6)];
    const first = await run(suite(tasks, gate));
    expect(first.report.exitCode).toBe(3);
    expect(judgeRequests(first.before)).toHaveLength(2);

    // Same checks: nothing at all is sent.
    let before = server.requests.length;
    const again = await runCli(['recheck', first.out], { cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    expect(again.code, again.stderr).toBe(3);
    expect(since(before)).toHaveLength(0);
    expect(byTask(await readResults(ws.path(first.out))).get('b')!.checks[0]).toMatchObject({ score: 0.5 });

    // An edited rubric on one task: one judge request, no subject request; verdicts, summary, CSV and exit code rewritten.
    await ws.write('edited.yaml', suite([tasks[0]!, task('b', 'Sunny weather', 'weather sunny', 0.6)], gate));
    before = server.requests.length;
    const edited = await runCli(['recheck', first.out, '--suite', 'edited.yaml'], { cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    expect(edited.code, edited.stderr).toBe(0);
    expect(subjectRequests(before)).toHaveLength(0);
    expect(judgeRequests(before)).toHaveLength(1);
    const rows = byTask(await readResults(ws.path(first.out)));
    expect(rows.get('b')!.checks[0]).toMatchObject({ verdict: 'pass', score: 1 });
    expect((await readJson(ws.path(`${first.out}/summary.json`))).overall).toMatchObject({ passed: 2, judge_score: 1 });
    const csv = await readFile(ws.path(`${first.out}/results.csv`), 'utf8');
    expect(csv.split('\n')[0]!.endsWith('tool_calls,judge_cost_usd,judge_tokens_prompt,judge_tokens_completion')).toBe(true);

    // A resume of the folder: nothing to send, no verdict asked again.
    before = server.requests.length;
    const env = envFor();
    const resumed = await runSuite(await resumeOptions(first.out, {}, ws.dir), env);
    expect(resumed.exitCode).toBe(0);
    expect(since(before)).toHaveLength(0);
  });
});

describe('compare and --fail-on read the judge score', () => {
  it('score<-0.05 fails on a significant drop; one verdict serves every repeat of the same answer', async () => {
    const base = await run(suite([task('a', 'We decline politely and cite the policy', 'decline politely cite policy')], 'repeats: 6\n'));
    // Six repeats, one answer: one judge request (the verdict's key is the same).
    expect(judgeRequests(base.before)).toHaveLength(1);
    expect(base.summary.overall).toMatchObject({ judge_scored: 6, judge_score: 1 });
    const worse = await run(suite([task('a', 'We decline', 'decline politely cite policy')], 'repeats: 6\n'));
    expect(worse.summary.overall.judge_score).toBe(0.25);
    const env = { OPENROUTER_API_KEY: KEY };
    const failed = await runCli(['compare', base.out, worse.out, '--fail-on', 'score<-0.05'], { cwd: ws.dir, env });
    expect(failed.code, failed.stderr).toBe(3);
    expect(failed.stdout).toMatch(/judge score/);
    const same = await runCli(['compare', base.out, base.out, '--fail-on', 'score<-0.05'], { cwd: ws.dir, env });
    expect(same.code, same.stderr).toBe(0);
    const unit = await runCli(['compare', base.out, worse.out, '--fail-on', 'score<-5pp'], { cwd: ws.dir, env });
    expect(unit.code).toBe(2);
    expect(unit.stderr).toMatch(/write it as score<-5\./);
  });
});

describe('the cost cap and the plan include the judge', () => {
  it("reserves each job's judge worst case, so the cap stops subject jobs early and every judged row gets its verdict", async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => task(`t${i}`, 'We decline politely', 'decline politely'));
    // mock/judge at max_tokens 4000: a $0.008 worst case per verdict; the subject's is ~$0.00003.
    const r = await run(suite(tasks).replace('judge: { model: mock/judge }', 'judge: { model: mock/judge, params: { max_tokens: 4000 } }'), { maxCost: 0.02 });
    expect(r.report.status).toBe('budget');
    const sent = r.rows.filter((x) => x.status === 'ok');
    const skipped = r.rows.filter((x) => x.status === 'skipped');
    expect(sent.length).toBeGreaterThan(0);
    expect(skipped.length).toBeGreaterThan(0);
    for (const row of sent) expect(row.checks[0]).toMatchObject({ verdict: 'pass' });
    expect(r.billed).toBeLessThanOrEqual(0.02);
    expect(judgeRequests(r.before)).toHaveLength(sent.length);
  });

  it('plan prices the judge on a line of its own, in the total', async () => {
    await ws.write('suite.yaml', suite([task('a', 'x', 'decline politely')]));
    const plan = await runCli(['plan', 'suite.yaml', '--json'], { cwd: ws.dir, env: { OPENROUTER_BASE_URL: server.url } });
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as { models: { model: string; model_label: string; high_usd: number }[]; total: { high_usd: number } };
    const judge = json.models.find((m) => m.model_label === 'mock/judge (judge)')!;
    expect(judge.high_usd).toBeGreaterThan(0);
    const subject = json.models.find((m) => m.model === 'openai/gpt-4o-mini')!;
    expect(json.total.high_usd).toBeCloseTo(judge.high_usd + subject.high_usd, 12);
  });

  it('a judge check without a judge model, or with one /models does not list, fails before anything is sent (exit 2)', async () => {
    await ws.write('suite.yaml', 'name: x\nmodels: [openai/gpt-4o-mini]\ntasks:\n  - id: a\n    prompt: hi\n    checks:\n      - judge: be nice\n');
    const before = server.requests.length;
    const noModel = await runCli(['run', 'suite.yaml'], { cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/suite\.yaml:7.*needs a judge model/);
    await ws.write('suite.yaml', 'name: x\nmodels: [openai/gpt-4o-mini]\njudge: { model: mock/judgy }\ntasks:\n  - id: a\n    prompt: hi\n    checks:\n      - judge: be nice\n');
    const unknown = await runCli(['run', 'suite.yaml'], { cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/judge model `mock\/judgy` \(did you mean mock\/judge\?\) is not listed/);
    expect(since(before).filter((r) => r.model !== null)).toHaveLength(0);
  });
});
