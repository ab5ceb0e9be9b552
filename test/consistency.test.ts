// Per-task consistency in summary.json, its gates, and compare's task flips, from rows.
import { describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { createConsistency } from '../src/stats/consistency.js';
import { evaluateGates } from '../src/ci/gates.js';
import { findFlips, flipText } from '../src/compare/flips.js';
import { parseFailOn } from '../src/compare/fail-on.js';
import type { JobResult } from '../src/types/result.js';
import { row } from './helpers/rows.js';

const meta = { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' as const };
const pass = (task_id: string, passed: boolean | null, more: Partial<JobResult> = {}) => row({ task_id, passed, checks: passed === null ? [] : [{ name: 'contains "x"', pass: passed, detail: '' }], ...more });
const errored = (task_id: string, more: Partial<JobResult> = {}) => row({ task_id, status: 'error', error_kind: 'server', passed: null, ...more });

describe('consistency per model × system prompt × task', () => {
  const rows = [
    pass('steady', true), pass('steady', true), pass('steady', true),
    pass('flaky', true), pass('flaky', false), errored('flaky'),
    pass('broken', false), pass('broken', false), pass('broken', false),
    pass('once', true),
    pass('unchecked', null), pass('unchecked', null),
    row({ task_id: 'steady', status: 'skipped', error_kind: 'budget', passed: null }),
    errored('steady', { error_kind: 'aborted' }),
  ];
  const summary = summarize(rows, meta);
  const c = summary.consistency![0]!;

  it('counts an errored job as not passed, and leaves out unchecked, skipped and aborted jobs', () => {
    expect(c).toMatchObject({ model: 'm/model', system_prompt_id: 'p', tasks: 4, flaky_tasks: 1, failing_tasks: 1, min_task_pass_rate: 0 });
    const flaky = c.per_task.find((t) => t.task_id === 'flaky')!;
    expect(flaky).toMatchObject({ n: 3, passed: 1, flaky: true, pass_at_k: { 1: 0.333333, 2: 0.666667, 3: 1 }, pass_hat_k: { 1: 0.333333, 2: 0, 3: 0 } });
    expect(c.per_task.find((t) => t.task_id === 'steady')).toMatchObject({ n: 3, passed: 3, flaky: false });
    // The quality pass rate of the group is unchanged: errored jobs stay out of it.
    expect(summary.groups[0]).toMatchObject({ checked: 9, passed: 5, errors: 2 });
  });

  it('lists only tasks run twice or more, but counts every task in the group figures', () => {
    expect(c.per_task.map((t) => t.task_id).sort()).toEqual(['broken', 'flaky', 'steady']);
    // k = 1 is the mean over all four tasks; k = 2 and 3 over the three run thrice.
    expect(c.pass_hat_k[1]).toBeCloseTo((1 + 1 / 3 + 0 + 1) / 4, 6);
    expect(c.pass_hat_k[3]).toBeCloseTo((1 + 0 + 0) / 3, 6);
    expect(c.pass_at_k[3]).toBeCloseTo((1 + 1 + 0) / 3, 6);
  });

  it('knows an errored-only task has checks from checksFor, else not at all', () => {
    const onlyErrors = [errored('down'), errored('down')];
    expect(summarize(onlyErrors, meta).consistency).toBeUndefined();
    const acc = createConsistency({ checksFor: () => [{ kind: 'contains', value: 'x' }] });
    onlyErrors.forEach((r) => acc.add(r));
    expect(acc.all()).toEqual([expect.objectContaining({ task_id: 'down', n: 2, passed: 0 })]);
    // Speed checks give no pass state: an errored task with only those is not counted.
    const speed = createConsistency({ checksFor: () => [{ kind: 'max_ttft_ms', limit: 10 }] });
    onlyErrors.forEach((r) => speed.add(r));
    expect(speed.all()).toEqual([]);
  });

  it('is absent when no task has quality checks', () => {
    expect(summarize([pass('a', null), pass('a', null)], meta).consistency).toBeUndefined();
  });

  it('gates: min_task_pass_rate, max_flaky_tasks, min_pass_hat_k per group; unknown when unmeasured', () => {
    const results = evaluateGates(summary, { min_task_pass_rate: 0.3, max_flaky_tasks: 0, min_pass_hat_k: { k: 3, value: 0.3 } });
    expect(results.map((r) => [r.gate, r.status, r.actual])).toEqual([
      ['min_task_pass_rate', 'fail', 0],
      ['max_flaky_tasks', 'fail', 1],
      ['min_pass_hat_k', 'pass', 0.333333],
    ]);
    expect(results[0]!.message).toBe('m/model / p: lowest task pass rate 0% (broken 0/3) < 30%');
    expect(results[1]!.message).toBe('m/model / p: flaky tasks 1 of 4 > 0');
    expect(results[2]!.message).toBe('m/model / p: pass^3 33.3% ≥ 30%');
    const tooFew = evaluateGates(summary, { min_pass_hat_k: { k: 4, value: 0.1 } })[0]!;
    expect(tooFew).toMatchObject({ status: 'unknown', actual: null });
    expect(tooFew.message).toContain('no task was run 4 times or more');
    const none = evaluateGates(summarize([pass('a', null)], meta), { max_flaky_tasks: 1 })[0]!;
    expect(none).toMatchObject({ status: 'unknown', message: expect.stringContaining('no task with checks has a pass state') });
  });
});

describe('task flips', () => {
  const tallies = (rows: JobResult[]) => {
    const acc = createConsistency();
    rows.forEach((r) => acc.add(r));
    return acc.all();
  };
  const base = tallies([pass('a', true), pass('a', true), pass('b', true), pass('b', false), pass('c', false), pass('only-base', true)]);
  const cur = tallies([pass('a', true), pass('a', false), pass('b', false), pass('b', true), pass('c', true), pass('only-cur', false)]);

  it('lists a task × column whose pass state (pass, fail, flaky) changed; the same state is no flip', () => {
    const flips = findFlips(base, cur);
    expect(flips.map((f) => [f.task_id, f.baseline.state, f.current.state])).toEqual([
      ['a', 'pass', 'flaky'],
      ['c', 'fail', 'pass'],
    ]);
    expect(flipText(flips[0]!)).toBe('a · m/model · p: pass 2/2 → flaky 1/2');
  });

  it('--fail-on task_flips>N is a count; other spellings are refused', () => {
    expect(parseFailOn('task_flips>2,pass_rate<-5pp').map((r) => r.text)).toEqual(['task_flips>2', 'pass_rate<-5pp']);
    expect(() => parseFailOn('task_flips>+2%')).toThrow(/written task_flips>N/);
    expect(() => parseFailOn('task_flips<2')).toThrow(/written task_flips>N/);
  });
});
