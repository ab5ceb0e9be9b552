// The history trend compares like with like: a run on the simulator is never the baseline of a
// real run (its numbers are generated), and a change that rounds to nothing reads +0%, not -0%.
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryGroup } from '../src/history/history.js';
import { renderHistoryHtml } from '../src/history/html.js';
import { renderHistoryTable } from '../src/history/table.js';

const group = (over: Partial<HistoryGroup>): HistoryGroup => ({
  model: 'm/x',
  model_label: 'm/x',
  system_prompt_id: 'p',
  n: 2,
  ok: 2,
  errors: 0,
  pass_rate: null,
  latency_p50_ms: 1000,
  latency_p95_ms: 1200,
  ttft_p50_ms: 300,
  native_tokens_prompt: 10,
  native_tokens_completion: 20,
  cost_usd: 0.02,
  cost_pending: 0,
  ...over,
});
const entry = (run_id: string, day: number, mock: boolean, over: Partial<HistoryGroup> = {}): HistoryEntry => {
  const time = `2026-11-0${day}T06:00:00.000Z`;
  return { run_id, time, started_at: time, suite: 's', suite_sha256: null, status: 'ok', dir: run_id, mock, groups: [group(over)] };
};
/** The two Δ columns (p50 latency, cost per job) of each data line. */
const deltas = (table: string) =>
  table
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => {
      const cells = line.split(/\s{2,}/);
      return [cells[7], cells.at(-1)];
    });

describe('history trend', () => {
  it('compares a real run with the previous real run, skipping simulated runs between them', () => {
    const table = renderHistoryTable([
      entry('real-1', 1, false),
      entry('mock-1', 2, true, { latency_p50_ms: 500, cost_usd: 0.002 }),
      entry('real-2', 3, false, { latency_p50_ms: 1100, cost_usd: 0.03 }),
      entry('mock-2', 4, true, { latency_p50_ms: 500, cost_usd: 0.002 }),
    ]);
    // real-2 against real-1 (+10%, +50%), not against mock-1 (+120%, +1400%); mock-2 against mock-1.
    expect(deltas(table)).toEqual([
      ['-', '-'],
      ['-', '-'],
      ['+10%', '+50%'],
      ['+0%', '+0%'],
    ]);
  });

  it('writes a change that rounds to zero as +0%, and others to one decimal', () => {
    const table = renderHistoryTable([entry('a', 1, false), entry('b', 2, false, { latency_p50_ms: 999.9, cost_usd: 0.019995 }), entry('c', 3, false, { latency_p50_ms: 997.9 })]);
    expect(deltas(table)[1]).toEqual(['+0%', '+0%']);
    expect(table).not.toContain('-0%');
    expect(deltas(table)[2]![0]).toBe('-0.2%');
  });

  it('draws simulated runs as lines of their own on the trend page', () => {
    const html = renderHistoryHtml([entry('real', 1, false), entry('sim', 2, true)], 'x', { source: 'h.jsonl' });
    const data = JSON.parse(/<script type="application\/json" id="agent-lab-data">(.*?)<\/script>/s.exec(html)![1]!) as { runs: { groups: { key: string }[] }[] };
    expect(data.runs.map((r) => r.groups[0]!.key)).toEqual(['s · m/x · p', 's · m/x · p (mock)']);
  });
});
