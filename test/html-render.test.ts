// The HTML report's pure parts and its row sampling, without a browser (html-report.test.ts
// loads the pages in Chromium).
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { renderHistoryHtml } from '../src/history/html.js';
import { embedJson } from '../src/render/html-page.js';
import { SAMPLE_LIMIT, sampleRows } from '../src/store/report-html.js';
import { renderRunHtml } from '../src/render/html.js';
import { row } from './helpers/rows.js';
import { workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
});
afterAll(async () => {
  await ws.cleanup();
});

const embedded = (html: string) => JSON.parse(/<script type="application\/json" id="agent-lab-data">(.*?)<\/script>/s.exec(html)![1]!);

describe('embedJson', () => {
  it('cannot end the script block or open a comment, and parses back to the same data', () => {
    const data = { s: '</script><!-- </SCRIPT> \u2028 \u2029 & "q"' };
    const text = embedJson(data);
    expect(text).not.toMatch(/<\/script|<!--/i);
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(data);
  });
});

describe('renderRunHtml', () => {
  const chartJs = '/* chart.js stand-in */';

  it('shows unknowns as - and no pass-rate chart when no task has checks', () => {
    const rows = [row({ job_id: 'a', passed: null, cost_usd: null, cost_source: 'pending', latency_ms: null })];
    const s = summarize(rows, { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' });
    const html = renderRunHtml({ summary: s, sample: rows, totalRows: 1, chartJs });
    expect(html).toContain('<td data-field="pass_rate" data-value="">-</td>');
    expect(html).toContain('<td data-field="latency_ms.p50" data-value="">-</td>');
    expect(html).toContain('<td data-field="cost_usd" data-value="">?</td>');
    expect(html).toContain('id="no-checks"');
    expect(html).not.toContain('id="chart-pass"');
    expect(embedded(html).summary).toEqual(s);
  });

  it('forbids every network fetch and carries the library inline', () => {
    const s = summarize([row()], { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' });
    const html = renderRunHtml({ summary: s, sample: [], totalRows: 0, chartJs: 'var x = "</script>";' });
    expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).toContain('var x = "\\x3C/script>";');
    expect(html.match(/<script/g)).toHaveLength(3);
  });

  it('the history page lists the newest lines first and embeds every run for the charts', () => {
    const entry = (id: string, time: string) => ({
      run_id: id, time, started_at: time, suite: 's', suite_sha256: null, status: 'ok' as const, dir: id, mock: false,
      groups: [{ model: 'm', model_label: 'm', system_prompt_id: 'p', n: 2, ok: 2, errors: 0, pass_rate: null, latency_p50_ms: 10, latency_p95_ms: 12, ttft_p50_ms: 5, native_tokens_prompt: 1, native_tokens_completion: 2, cost_usd: 0.5, cost_pending: 0 }],
    });
    const html = renderHistoryHtml([entry('a', '2026-11-01T06:00:00Z'), entry('b', '2026-11-02T06:00:00Z')], 'x', { source: 'h.jsonl' });
    expect(html.indexOf('2026-11-02 06:00')).toBeLessThan(html.indexOf('2026-11-01 06:00'));
    expect(embedded(html).runs.map((r: { run_id: string }) => r.run_id)).toEqual(['a', 'b']);
    expect(embedded(html).runs[0].groups[0]).toMatchObject({ key: 's · m · p', cost_per_job: 0.25 });
  });
});

describe('sampleRows', () => {
  it('keeps every row of a small run, in order', async () => {
    const file = ws.path('small.jsonl');
    await writeFile(file, Array.from({ length: 10 }, (_, i) => JSON.stringify(row({ job_id: `j${i}`, task_id: `t${i}` }))).join('\n') + '\n');
    const { sample, total } = await sampleRows(file, SAMPLE_LIMIT);
    expect(total).toBe(10);
    expect(sample.map((r) => r.task_id)).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`));
    expect(Object.keys(sample[0]!).sort()).toEqual(['cost_usd', 'latency_ms', 'model_label', 'native_tokens_completion', 'passed', 'status', 'system_prompt_id', 'task_id', 'ttft_ms']);
  });

  it('caps a big run at the limit with an even, deterministic sample', async () => {
    const file = ws.path('big.jsonl');
    const n = 6000;
    await writeFile(file, Array.from({ length: n }, (_, i) => JSON.stringify(row({ job_id: `j${i}`, task_id: String(i) }))).join('\n') + '\n');
    const first = await sampleRows(file, 500);
    expect(first.total).toBe(n);
    expect(first.sample).toHaveLength(500);
    const picked = first.sample.map((r) => Number(r.task_id));
    expect(picked).toEqual([...picked].sort((a, b) => a - b));
    expect(new Set(picked).size).toBe(500);
    // Spread over the whole file, not the first 500 rows: each sixth has about a sixth of the sample.
    for (let k = 0; k < 6; k++) {
      const inSixth = picked.filter((i) => i >= k * 1000 && i < (k + 1) * 1000).length;
      expect(inSixth).toBeGreaterThan(50);
      expect(inSixth).toBeLessThan(120);
    }
    expect((await sampleRows(file, 500)).sample).toEqual(first.sample);
  });
});
