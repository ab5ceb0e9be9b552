// `--warmup N` (issue 18 part 6) on the simulator: N requests go out first, round the arms of the
// run, and finish before the first measured job; their rows are in warmup.jsonl, never in
// results.jsonl or a statistic; what they cost is reported, and the cost cap counts it.
import Big from 'big.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { runSuite } from '../src/run/index.js';
import { planSuite } from '../src/run/plan.js';
import { formatUsd } from '../src/format.js';
import { resumeOptions } from '../src/run/resume.js';
import { readWarmup } from '../src/store/warmup.js';
import type { RunSummary } from '../src/types/summary.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const SUITE = `
name: warm
models:
  - openai/gpt-4o-mini
  - { id: meta-llama/llama-3.1-8b-instruct, label: llama }
tasks:
${Array.from({ length: 3 }, (_, i) => `  - { id: t${i}, prompt: "question ${i}" }`).join('\n')}
params: { max_tokens: 20 }
`;
const ONE_MODEL = `
name: capped
models: [openai/gpt-4o-mini]
tasks:
${Array.from({ length: 8 }, (_, i) => `  - { id: t${i}, prompt: "question ${i}" }`).join('\n')}
params: { max_tokens: 20 }
concurrency: 1
`;
const ms = (iso: string) => new Date(iso).getTime();

describe('--warmup (simulator)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'capped.yaml': ONE_MODEL, 'agent-lab.config.yaml': FAST_CONFIG });
  });
  afterAll(() => ws.cleanup());

  it('sends N requests first, round the models, kept apart from the results and out of every figure', async () => {
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'run', mock: true, history: false, warmup: 3 }, memoryEnv({ cwd: ws.dir }));
    expect(report.exitCode).toBe(0);
    const rows = await readResults(ws.path('run'));
    const warm = await readWarmup(ws.path('run'));
    expect(rows).toHaveLength(6);
    expect(rows.some((r) => r.job_id.startsWith('warmup-'))).toBe(false);
    const byId = [...warm].sort((a, b) => a.job_id.localeCompare(b.job_id));
    expect(byId.map((r) => [r.job_id, r.model_label, r.status])).toEqual([
      ['warmup-0', 'openai/gpt-4o-mini', 'ok'],
      ['warmup-1', 'llama', 'ok'],
      ['warmup-2', 'openai/gpt-4o-mini', 'ok'],
    ]);
    // Every warmup request ended before the first measured one was sent.
    const warmEnd = Math.max(...warm.map((r) => ms(r.started_at) + r.latency_ms!));
    expect(Math.min(...rows.map((r) => ms(r.started_at)))).toBeGreaterThanOrEqual(warmEnd - 1);
    // Costs came in for them too, and the summary counts them apart.
    expect(warm.every((r) => r.cost_source === 'generation' && r.spent_usd! > 0)).toBe(true);
    const summary = await readJson<RunSummary>(ws.path('run/summary.json'));
    expect(summary.overall.n).toBe(6);
    expect(summary.overall.ttft_ms.n).toBe(6);
    expect(summary.warmup).toEqual({ requests: 3, ok: 3, errors: 0, spent_usd: expect.closeTo(warm.reduce((s, r) => s + r.spent_usd!, 0), 12) });
    expect(summary.overall.spent_usd).toBeCloseTo(rows.reduce((s, r) => s + r.spent_usd!, 0), 12);
  });

  it('is never resumed as jobs: a finished run resumes to nothing, and sends no warmup either', async () => {
    const before = await readWarmup(ws.path('run'));
    const options = await resumeOptions('run', {}, ws.dir);
    expect(options.warmup).toBe(3);
    const report = await runSuite(options, memoryEnv({ cwd: ws.dir }));
    expect(report.exitCode).toBe(0);
    expect(await readWarmup(ws.path('run'))).toEqual(before);
    expect(await readResults(ws.path('run'))).toHaveLength(6);
    expect(report.summary.warmup?.requests).toBe(3);
  });

  it('spends the budget: under one cap, warmup requests leave room for fewer measured jobs', async () => {
    const capped = async (out: string, warmup: number) => {
      const report = await runSuite({ suitePath: 'capped.yaml', out, mock: true, history: false, maxCost: 0.00006, warmup }, memoryEnv({ cwd: ws.dir }));
      const rows = await readResults(ws.path(out));
      return { report, sent: rows.filter((r) => r.status !== 'skipped').length, spent: rows.reduce((s, r) => s + (r.spent_usd ?? 0), 0) };
    };
    const cold = await capped('cold', 0);
    const warm = await capped('warm', 2);
    expect(cold.report.status).toBe('budget');
    expect(warm.report.status).toBe('budget');
    expect(cold.sent).toBeGreaterThanOrEqual(3);
    expect(warm.sent).toBeLessThanOrEqual(cold.sent - 2);
    // What the warmup spent is inside the cap with the rest.
    expect(warm.spent + warm.report.summary.warmup!.spent_usd!).toBeLessThanOrEqual(0.00006);
    expect(warm.report.summary.warmup!.requests).toBe(2);
  });

  it('is in the plan: priced as the jobs it copies, apart from the total of the jobs', async () => {
    const plan = async (warmup?: number) => {
      const env = memoryEnv({ cwd: ws.dir });
      const report = await planSuite({ suitePath: 'suite.yaml', mock: true, warmup }, env);
      return { plan: report.plan!, table: env.out() };
    };
    const cold = await plan();
    const warm = await plan(3);
    expect(cold.plan.warmup).toBeUndefined();
    // The jobs' own figures do not move: summary.json sets them against the measured rows.
    expect(warm.plan.total).toEqual(cold.plan.total);
    expect(warm.plan.groups).toEqual(cold.plan.groups);
    // Three requests round two models: the first task's request to gpt-4o-mini, llama, gpt-4o-mini.
    // The three tasks' prompts are the same length, so a job of a model costs its group's third.
    const perJob = (label: string, side: 'low_usd' | 'high_usd') => new Big(cold.plan.groups.find((g) => g.model_label === label)![side]!).div(3);
    const w = warm.plan.warmup!;
    expect(w.jobs).toBe(3);
    for (const side of ['low_usd', 'high_usd'] as const) {
      expect(w[side]).toBe(perJob('openai/gpt-4o-mini', side).times(2).plus(perJob('llama', side)).toNumber());
    }
    expect(w.prompt_tokens).toBe((2 * cold.plan.total.prompt_tokens) / 6 + cold.plan.total.prompt_tokens / 6);
    // The table shows them on a row of their own, and its total is everything the run would send.
    const line = (table: string, first: string) => table.split('\n').find((l) => l.trimStart().startsWith(first))!.trim().split(/\s{2,}/);
    expect(line(warm.table, 'warmup')).toEqual(['warmup', '3', String(w.prompt_tokens_per_job), String(w.prompt_tokens), expect.any(String), expect.any(String)]);
    const total = line(warm.table, 'total');
    expect(total[1]).toBe('9');
    expect(total.at(-1)).toBe(formatUsd(new Big(cold.plan.total.high_usd!).plus(w.high_usd!).toNumber()));
    expect(total.at(-1)).not.toBe(line(cold.table, 'total').at(-1));
    expect(warm.table).toMatch(/6 job\(s\) and 3 warmup request\(s\)/);
  });
});

