// SLO goodput: speed checks counted in slo_met, apart from the quality pass rate; unknowns
// neither meet nor miss; the speed gates.
import { describe, expect, it } from 'vitest';
import { withChecks } from '../src/checks/apply.js';
import { evaluateChecks } from '../src/checks/evaluate.js';
import { sloMet } from '../src/checks/slo.js';
import { summarize } from '../src/stats/aggregate.js';
import { evaluateGates } from '../src/ci/gates.js';
import { assertGatesMeasurable } from '../src/ci/gate-needs.js';
import type { CheckSpec } from '../src/types/job.js';
import { row } from './helpers/rows.js';

const meta = { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' as const };
const ttft = (limit: number): CheckSpec => ({ kind: 'max_ttft_ms', limit });
const tps = (limit: number): CheckSpec => ({ kind: 'min_output_tps', limit });
const itl = (limit: number): CheckSpec => ({ kind: 'max_itl_ms', limit });
const hello: CheckSpec = { kind: 'contains', value: 'hello' };

describe('the new speed checks', () => {
  it('min_output_tps and max_itl_ms judge the row (a cache hit on its cached figures)', () => {
    const [fast, slowGaps] = evaluateChecks([tps(40), itl(5)], row({ output_tps: 50, itl_ms: 10 }));
    expect(fast).toEqual({ name: 'min_output_tps 40', pass: true, detail: 'output 50 tokens/s ≥ 40 tokens/s' });
    expect(slowGaps).toEqual({ name: 'max_itl_ms 5', pass: false, detail: 'itl 10 ms > 5 ms' });
    const cached = evaluateChecks([tps(40)], row({ cache_hit: true, output_tps: null, cached_output_tps: 30 }))[0]!;
    expect(cached).toMatchObject({ pass: false, detail: 'cached output 30 tokens/s < 40 tokens/s' });
    expect(evaluateChecks([itl(5)], row({ itl_ms: null }))[0]).toMatchObject({ pass: false, detail: 'itl unknown' });
  });
});

describe('slo_met', () => {
  it('is true when every speed check is met, false on one measured miss, null on an unknown', () => {
    expect(sloMet([ttft(200), tps(10), hello], row({ ttft_ms: 100, output_tps: 50 }))).toBe(true);
    expect(sloMet([ttft(50), tps(10)], row({ ttft_ms: 100 }))).toBe(false);
    // A miss on a measured figure is known even when another figure is not.
    expect(sloMet([ttft(50), itl(5)], row({ ttft_ms: 100, itl_ms: null }))).toBe(false);
    expect(sloMet([ttft(500), itl(5)], row({ ttft_ms: 100, itl_ms: null }))).toBeNull();
    expect(sloMet([hello], row())).toBeNull();
  });

  it('is null for a cache hit (this run timed nothing) and a row that did not finish ok', () => {
    expect(sloMet([ttft(500)], row({ cache_hit: true, ttft_ms: null, cached_ttft_ms: 10 }))).toBeNull();
    expect(sloMet([ttft(500)], row({ status: 'error', error_kind: 'timeout' }))).toBeNull();
  });

  it('withChecks keeps every verdict in checks, but passed counts the quality checks only', () => {
    const slowRight = withChecks(row({ output_text: 'hello', ttft_ms: 900 }), [hello, ttft(100)]);
    expect(slowRight).toMatchObject({ passed: true, slo_met: false });
    expect(slowRight.checks.map((c) => c.pass)).toEqual([true, false]);
    const speedOnly = withChecks(row({ ttft_ms: 50 }), [ttft(100)]);
    expect(speedOnly).toMatchObject({ passed: null, slo_met: true, checks: [expect.objectContaining({ pass: true })] });
    expect(withChecks(row({ status: 'error', error_kind: 'server' }), [hello, ttft(100)])).toMatchObject({ passed: null, slo_met: null, checks: [] });
  });
});

describe('slo_met_rate and the speed gates', () => {
  const rows = [
    row({ model: 'a', model_label: 'A', passed: true, slo_met: true, ttft_ms: 100, itl_ms: 10, output_tps: 80 }),
    row({ model: 'a', model_label: 'A', passed: true, slo_met: false, ttft_ms: 900, itl_ms: 30, output_tps: 20 }),
    row({ model: 'a', model_label: 'A', passed: true, slo_met: null, cache_hit: true, ttft_ms: null, itl_ms: null, output_tps: null }),
    row({ model: 'b', model_label: 'B', passed: true, slo_met: null, stream: false, ttft_ms: null, itl_ms: null, output_tps: 40 }),
  ];
  const summary = summarize(rows, meta);

  it('counts only rows with a verdict: a cache hit and an unmeasured row are neither met nor missed', () => {
    expect(summary.groups[0]).toMatchObject({ slo_checked: 2, slo_met: 1, slo_met_rate: 0.5, pass_rate: 1 });
    expect(summary.groups[0]!.slo_met_rate_ci95).toEqual([expect.any(Number), expect.any(Number)]);
    expect(summary.groups[1]).toMatchObject({ slo_checked: 0, slo_met: 0, slo_met_rate: null, slo_met_rate_ci95: null });
    expect(summary.overall).toMatchObject({ slo_checked: 2, slo_met: 1 });
  });

  it('gates slo_met_rate, p95 TTFT, p95 ITL and median tokens/s per group; unknown without a figure', () => {
    const results = evaluateGates(summary, { min_slo_met_rate: 0.9, max_p95_ttft_ms: 1000, max_p95_itl_ms: 20, min_p50_output_tps: 45 });
    expect(results.map((r) => [r.gate, r.scope, r.status])).toEqual([
      ['min_slo_met_rate', 'A / p', 'fail'],
      ['min_slo_met_rate', 'B / p', 'unknown'],
      ['max_p95_ttft_ms', 'A / p', 'pass'],
      ['max_p95_ttft_ms', 'B / p', 'unknown'],
      ['max_p95_itl_ms', 'A / p', 'fail'],
      ['max_p95_itl_ms', 'B / p', 'unknown'],
      ['min_p50_output_tps', 'A / p', 'pass'],
      ['min_p50_output_tps', 'B / p', 'fail'],
    ]);
    expect(results[0]!.message).toBe('A / p: SLO met 50% (1/2) < 90%');
    expect(results[4]!.message).toBe('A / p: p95 ITL 29 ms > 20 ms');
    expect(results[7]!.message).toBe('B / p: median output speed 40 tokens/s < 45 tokens/s');
  });
});

describe('what existing users of min_pass_rate are told', () => {
  it('warns when min_pass_rate is the only gate of a suite with speed checks (it no longer counts them)', () => {
    const checks = [[hello, ttft(100)]];
    expect(assertGatesMeasurable({ min_pass_rate: 0.9 }, checks)).toContain('add the gate min_slo_met_rate');
    expect(assertGatesMeasurable({ min_pass_rate: 0.9, min_slo_met_rate: 1 }, checks)).toBeNull();
    expect(assertGatesMeasurable({ min_pass_rate: 0.9 }, [[hello]])).toBeNull();
    expect(() => assertGatesMeasurable({ min_pass_rate: 0.9 }, [[ttft(100)]])).toThrow(/speed checks such as max_ttft_ms count in slo_met/);
  });
});
