// compare's core on hand-made rows: the --fail-on grammar, significance per metric, the gate,
// and the summary-only mode. The simulator end to end is in compare-e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { compareRuns } from '../src/compare/compare.js';
import { crosses, parseFailOn } from '../src/compare/fail-on.js';
import { readSide, type CompareSide, type Samples } from '../src/compare/load.js';
import { groupId } from '../src/types/summary.js';
import { ConfigError, EXIT } from '../src/errors.js';
import { renderCompareMarkdown } from '../src/compare/markdown.js';
import { renderCompareTable } from '../src/compare/table.js';
import type { JobResult } from '../src/types/result.js';
import { row } from './helpers/rows.js';
import { workspace } from './helpers/workspace.js';

const META = { run_id: 'r', suite: 's', started_at: '', finished_at: '', status: 'ok' as const };

/** n rows for one group; `f(i)` overrides row i. */
function rows(n: number, f: (i: number) => Partial<JobResult>, model = 'm/a'): JobResult[] {
  return Array.from({ length: n }, (_, i) => row({ job_id: `j${i}`, model, model_label: model, ...f(i) }));
}

function side(all: JobResult[], perJob = true, run_id = 'r'): CompareSide {
  const samples = new Map<string, Samples>();
  for (const r of all) {
    if (r.status !== 'ok') continue;
    const s = samples.get(groupId(r)) ?? { latency_ms: [] as number[], ttft_ms: [] as number[], tokens: [] as number[], cost_usd: [] as number[], score: [] as number[] };
    samples.set(groupId(r), s);
    s.latency_ms.push(r.latency_ms!);
    s.ttft_ms.push(r.ttft_ms!);
    s.tokens.push(r.native_tokens_prompt! + r.native_tokens_completion!);
    s.cost_usd.push(r.cost_usd!);
  }
  return { path: run_id, dir: '.', summary: summarize(all, { ...META, run_id }), samples: perJob ? samples : null, tasks: null };
}

// A spread of latencies so the rank tests have something to rank.
const spread = (i: number, centre: number) => centre * (0.8 + 0.4 * ((i * 7919) % 20) / 19);

describe('parseFailOn', () => {
  it('reads the documented grammar', () => {
    const rules = parseFailOn('pass_rate<-5pp, cost>+10%,p95_latency>20%');
    expect(rules.map((r) => r.text)).toEqual(['pass_rate<-5pp', 'cost>+10%', 'p95_latency>+20%']);
    expect(rules[0]).toMatchObject({ metric: 'pass_rate', op: '<', value: -5 });
    expect(crosses(rules[1]!, 10.5)).toBe(true);
    expect(crosses(rules[1]!, 10)).toBe(false);
    expect(crosses(rules[0]!, -6)).toBe(true);
    expect(crosses(rules[0]!, null)).toBe(false);
  });

  it.each([
    ['latency>+20%', /Unknown metric `latency`/],
    ['pass_rate<-5%', /percentage points: write it as pass_rate<-5pp/],
    ['cost>+10pp', /in percent: write it as cost>\+10%/],
    ['cost>>10%', /Cannot read the --fail-on rule "cost>>10%"/],
    ['cost>ten%', /Cannot read/],
    [' , ', /at least one rule/],
  ])('rejects %j with a ConfigError (exit 2)', (spec, message) => {
    let error: unknown;
    try {
      parseFailOn(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(EXIT.config);
    expect((error as Error).message).toMatch(message);
  });
});

describe('compareRuns', () => {
  const baseline = rows(20, (i) => ({ latency_ms: spread(i, 1000), ttft_ms: spread(i, 300), passed: true, cost_usd: 0.001 + i * 1e-6 }));

  it('flags a real latency and cost regression and fails the rules it crosses', () => {
    const current = rows(20, (i) => ({ latency_ms: spread(i, 1500), ttft_ms: spread(i, 300), passed: true, cost_usd: 0.0015 + i * 1e-6 }));
    const c = compareRuns(side(baseline), side(current), parseFailOn('p95_latency>+20%,cost>+10%,p50_ttft>+20%'));
    const get = (metric: string) => c.rows.find((r) => r.metric === metric)!;
    expect(get('p50_latency')).toMatchObject({ significant: true, worse: true });
    expect(get('p50_latency').delta).toBeCloseTo(50, 0);
    expect(get('p50_latency').test).toMatch(/^mann-whitney p[<=]0\.0/);
    expect(get('p95_latency')).toMatchObject({ significant: true, worse: true, failed: ['p95_latency>+20%'] });
    expect(get('cost')).toMatchObject({ significant: true, worse: true, failed: ['cost>+10%'] });
    expect(get('p50_ttft')).toMatchObject({ significant: false, failed: [] });
    expect(get('pass_rate')).toMatchObject({ baseline: 1, current: 1, delta: 0, significant: false });
    expect(c.failures).toHaveLength(2);
    expect(renderCompareTable(c)).toMatch(/gate FAILED \(2\)/);
    expect(renderCompareMarkdown(c)).toMatch(/gate: \*\*FAILED\*\*/);
  });

  it('calls a drop of 10/10 → 4/10 significant but 10/10 → 9/10 noise', () => {
    const rules = parseFailOn('pass_rate<-5pp');
    const ten = rows(10, () => ({ passed: true }));
    const big = compareRuns(side(ten), side(rows(10, (i) => ({ passed: i < 4 }))), rules);
    const bigRow = big.rows.find((r) => r.metric === 'pass_rate')!;
    expect(bigRow).toMatchObject({ baseline: 1, current: 0.4, significant: true, worse: true, failed: ['pass_rate<-5pp'] });
    expect(bigRow.delta).toBeCloseTo(-60, 9);
    const small = compareRuns(side(ten), side(rows(10, (i) => ({ passed: i < 9 }))), rules);
    const smallRow = small.rows.find((r) => r.metric === 'pass_rate')!;
    expect(smallRow.delta).toBeCloseTo(-10, 9);
    expect(smallRow).toMatchObject({ significant: false, failed: [] });
    expect(small.failures).toEqual([]);
  });

  it('shows an unknown rate as unknown: no checks means no pass rate, not 0 %', () => {
    const c = compareRuns(side(rows(5, () => ({ passed: null }))), side(rows(5, () => ({ passed: null }))));
    expect(c.rows.find((r) => r.metric === 'pass_rate')).toMatchObject({ baseline: null, current: null, delta: null, significant: null });
    expect(renderCompareTable(c)).toMatch(/pass rate\s+-\s+-\s+-\s+n\/a/);
  });

  it('counts errors into the error rate, and leaves them out of the latency', () => {
    const current = rows(20, (i) => (i < 8 ? { status: 'error', error_kind: 'server', latency_ms: null, passed: null } : { latency_ms: spread(i, 1000), ttft_ms: spread(i, 300), passed: true }));
    const c = compareRuns(side(baseline), side(current), parseFailOn('error_rate>+10pp'));
    expect(c.rows.find((r) => r.metric === 'error_rate')).toMatchObject({ baseline: 0, current: 0.4, significant: true, worse: true });
    expect(c.failures).toHaveLength(1);
  });

  it('with a bare summary.json, says latency significance is unavailable and does not fail on an untested change', () => {
    const current = rows(20, (i) => ({ latency_ms: spread(i, 1500), ttft_ms: spread(i, 300), passed: true }));
    const c = compareRuns(side(baseline, false), side(current), parseFailOn('p50_latency>+20%'));
    const p50 = c.rows.find((r) => r.metric === 'p50_latency')!;
    expect(p50).toMatchObject({ significant: null, test: 'needs results.jsonl', failed: [] });
    expect(p50.delta).toBeCloseTo(50, 0);
    expect(c.notes.join(' ')).toMatch(/significance is unavailable/);
    expect(c.failures).toEqual([]);
    expect(c.untested).toEqual([expect.stringMatching(/latency p50 \+50(\.\d)?% is past p50_latency>\+20% but untested/)]);
    expect(renderCompareTable(c)).toMatch(/not testable for significance/);
  });

  it('does not test a p95 on fewer than 20 jobs a side: a p95 of 5 values is their maximum', () => {
    const few = (centre: number) => rows(5, (i) => ({ latency_ms: spread(i, centre) }));
    const c = compareRuns(side(few(1000)), side(few(2000)), parseFailOn('p95_latency>+20%,p50_latency>+20%'));
    expect(c.rows.find((r) => r.metric === 'p95_latency')).toMatchObject({ significant: null, test: expect.stringMatching(/too few jobs for a p95 test/) });
    // The rank test still works at n = 5 (and a doubling of every value is significant).
    expect(c.rows.find((r) => r.metric === 'p50_latency')).toMatchObject({ significant: true, failed: ['p50_latency>+20%'] });
    expect(c.untested).toHaveLength(1);
  });

  it('lists groups only one side has and compares the rest', () => {
    const c = compareRuns(side([...baseline, ...rows(3, () => ({}), 'm/old')]), side([...baseline, ...rows(3, () => ({}), 'm/new')]));
    expect(c.only_baseline).toEqual(['m/old · p']);
    expect(c.only_current).toEqual(['m/new · p']);
    expect(new Set(c.rows.map((r) => r.model))).toEqual(new Set(['m/a']));
  });
});

describe('readSide', () => {
  it('summarises the rows of a run killed before it wrote summary.json, with per-job samples', async () => {
    const ws = await workspace();
    try {
      const killed = [...rows(3, (i) => ({ latency_ms: 100 * (i + 1), run_id: 'killed-run' })), row({ job_id: 'e', status: 'error', error_kind: 'server', run_id: 'killed-run' })];
      await ws.write('run/results.jsonl', killed.map((r) => `${JSON.stringify(r)}\n`).join('') + '{"job_id":"torn');
      const side = await readSide(ws.path('run'));
      expect(side.summary).toMatchObject({ run_id: 'killed-run', status: 'interrupted', overall: { n: 4, ok: 3, errors: 1 } });
      expect(side.summary.groups[0]!.latency_ms.p50).toBe(200);
      expect(side.samples!.get(groupId(killed[0]!))!.latency_ms).toEqual([100, 200, 300]);
    } finally {
      await ws.cleanup();
    }
  });
});
