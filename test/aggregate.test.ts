import { describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { metricStats, quantile } from '../src/stats/metric-stats.js';
import { renderSummaryTable } from '../src/render/table.js';
import { row } from './helpers/rows.js';

const meta = { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' as const };

describe('metricStats', () => {
  it('computes percentiles by linear interpolation, mean and sample sd', () => {
    const s = metricStats([4, 1, 3, 2]);
    expect(s).toEqual({ n: 4, mean: 2.5, sd: 1.291, min: 1, p50: 2.5, p90: 3.7, p95: 3.85, p99: 3.97, max: 4 });
    expect(quantile([10, 20], 0.25)).toBe(12.5);
  });
  it('reports unknown, not zero, when there is no value', () => {
    expect(metricStats([])).toEqual({ n: 0, mean: null, sd: null, min: null, p50: null, p90: null, p95: null, p99: null, max: null });
    expect(metricStats([5]).sd).toBeNull();
  });
});

describe('summarize', () => {
  it('a provider line of the table shows its own judge cost, not the group total', () => {
    const rows = [
      row({ model: 'a', provider: 'X', cost_usd: 0.001, judge_cost_usd: 0.0002 }),
      row({ model: 'a', provider: 'Y', cost_usd: 0.003, judge_cost_usd: null }),
    ];
    const summary = summarize(rows, meta);
    expect(summary.groups[0]!.judge_cost_usd).toBe(0.0002);
    const line = (name: string) => renderSummaryTable(summary).split('\n').find((l) => l.includes(`↳ ${name}`))!;
    expect(line('X')).toContain('0.000200');
    expect(line('Y')).not.toContain('0.000200');
  });

  it('groups by model × system prompt and keeps failed jobs out of timing stats', () => {
    const rows = [
      row({ model: 'a', system_prompt_id: 'p', ttft_ms: 100, latency_ms: 300, cost_usd: 0.001, native_tokens_prompt: 10, native_tokens_completion: 5, provider: 'X' }),
      row({ model: 'a', system_prompt_id: 'p', ttft_ms: 200, latency_ms: 500, cost_usd: 0.002, native_tokens_prompt: 11, native_tokens_completion: 6, provider: 'Y' }),
      // A failed job's tokens were still billed, so they count in the totals (not in timing).
      row({ model: 'a', system_prompt_id: 'p', status: 'error', error_kind: 'server', ttft_ms: 9999, latency_ms: 9999, cost_usd: null, cost_source: 'none', native_tokens_prompt: 7, provider: null }),
      row({ model: 'b', system_prompt_id: 'p', ttft_ms: 50, latency_ms: 80, cost_usd: null, cost_source: 'pending' }),
    ];
    const summary = summarize(rows, meta);
    const a = summary.groups.find((g) => g.model === 'a')!;
    expect(a.n).toBe(3);
    expect(a.ok).toBe(2);
    expect(a.errors).toBe(1);
    expect(a.error_kinds).toEqual({ server: 1 });
    expect(a.ttft_ms.p50).toBe(150);
    expect(a.latency_ms.max).toBe(500);
    expect(a.cost_usd).toBe(0.003);
    expect(a.native_tokens_prompt).toBe(28);
    expect(a.providers).toEqual({ X: 1, Y: 1 });
    const b = summary.groups.find((g) => g.model === 'b')!;
    expect(b.cost_usd).toBeNull();
    expect(b.cost_pending).toBe(1);
    expect(summary.overall.n).toBe(4);
    expect(summary.overall.cost_pending).toBe(1);
  });

  it('renders a table that marks unknown cost instead of printing 0', () => {
    const summary = summarize(
      [row({ model: 'a', model_label: 'A', cost_usd: 0.5 }), row({ model: 'b', model_label: 'B', cost_usd: null, cost_source: 'pending' })],
      meta,
    );
    const table = renderSummaryTable(summary);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^model\s+prompt\s+ok\/n/);
    expect(lines.find((l) => l.startsWith('A '))).toMatch(/0\.5000$/);
    expect(lines.find((l) => l.startsWith('B '))).toMatch(/\?$/);
    expect(table).toContain('1 job(s) have no cost yet');
  });
});
