// report.html and the history page in a real headless browser: Debian's chromium driven by
// playwright-core (no browser download). The page must load offline with no console error and no
// request beyond itself, draw every chart, and show the numbers summary.json has.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { memoryEnv } from '../src/env.js';
import { chartJsSource } from '../src/store/report-html.js';
import { renderRunHtml } from '../src/render/html.js';
import { runSuite } from '../src/run/index.js';
import type { GroupSummary, RunSummary } from '../src/types/summary.js';
import { HAVE_CHROMIUM, launchBrowser, openPage, SKIP_NOTE, type Browser } from './helpers/browser.js';
import { runCli } from './helpers/cli.js';
import { readJson } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const SUITE = `
name: html
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
system_prompts: { terse: Answer briefly., none: '' }
tasks:
  - { id: a, prompt: "Say hello", checks: [{ max_tokens: 25 }] }
  - { id: b, prompt: "Name a colour" }
  - { id: c, prompt: "Count to three" }
params: { max_tokens: 40 }
repeats: 2
concurrency: 12
`;

let ws: Workspace;
let browser: Browser;
let context: BrowserContext;
let summary: RunSummary;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  // Two runs, so the history page has a trend to draw.
  await runSuite({ suitePath: 'suite.yaml', out: 'run1', mock: true, params: { seed: 1 } }, memoryEnv({ cwd: ws.dir }));
  const report = await runSuite({ suitePath: 'suite.yaml', out: 'run', mock: true, params: { seed: 2 } }, memoryEnv({ cwd: ws.dir }));
  summary = await readJson<RunSummary>(ws.path('run/summary.json'));
  expect(report.summary.overall.n).toBe(24);
  browser = await launchBrowser();
  context = browser.context;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await ws?.cleanup();
});

const open = (file: string) => openPage(context, file, 'body[data-charts="ready"]');

/** The bits of a DOM canvas the test reads (the project compiles without the DOM library). */
interface Canvas {
  id: string;
  width: number;
  height: number;
  clientWidth: number;
  clientHeight: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

/** Size and painted pixels of each chart canvas, and whether Chart.js owns it. */
async function charts(page: Page) {
  return page.$$eval('canvas', (canvases) =>
    canvases.map((c) => {
      const canvas = c as unknown as Canvas;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      const chart = (globalThis as unknown as { Chart: { getChart(c: Canvas): unknown } }).Chart.getChart(canvas);
      return { id: canvas.id, width: canvas.clientWidth, height: canvas.clientHeight, painted, chart: Boolean(chart) };
    }),
  );
}

const near = (shown: number, actual: number, tolerance: number) => Math.abs(shown - actual) <= tolerance;
const cli = (args: string[]) => runCli(args, { cwd: ws.dir });

describe.skipIf(!HAVE_CHROMIUM)('report.html in Chromium', () => {
  it('is written at the end of the run and is self-contained (Chart.js inlined, no external reference)', async () => {
    const html = await readFile(ws.path('run/report.html'), 'utf8');
    expect(html).toContain((await chartJsSource()).slice(0, 200));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
  });

  it('loads with no console error and no request beyond itself, and draws every chart', async () => {
    const { page, problems, requests } = await open(ws.path('run/report.html'));
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(ws.path('run/report.html')).href]);
    const drawn = await charts(page);
    expect(drawn.map((c) => c.id).sort()).toEqual(['chart-cost', 'chart-cost-job', 'chart-latency', 'chart-pass', 'chart-ttft']);
    for (const c of drawn) {
      expect(c.chart, c.id).toBe(true);
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.painted, c.id).toBeGreaterThan(500);
    }
    await page.close();
  });

  it('shows the numbers summary.json has', async () => {
    const { page } = await open(ws.path('run/report.html'));
    const table = await page.$$eval('#summary tbody tr', (trs) =>
      trs.map((tr) => ({
        group: tr.getAttribute('data-group'),
        cells: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map((td) => [td.getAttribute('data-field'), { value: td.getAttribute('data-value'), text: td.textContent }])),
      })),
    );
    // 2 models × 2 system prompts, then the overall line.
    expect(summary.groups).toHaveLength(4);
    expect(table).toHaveLength(summary.groups.length + 1);
    const check = (g: GroupSummary, cells: Record<string, { value: string | null; text: string | null }>) => {
      expect(cells.ok!.text).toBe(`${g.ok}/${g.n}`);
      for (const [field, stats] of [['latency_ms', g.latency_ms], ['ttft_ms', g.ttft_ms]] as const) {
        for (const q of ['p50', 'p95'] as const) {
          const cell = cells[`${field}.${q}`]!;
          expect(Number(cell.value)).toBe(stats[q]);
          // Shown to the whole ms, as every output writes ms.
          expect(cell.text, `${field}.${q} vs ${stats[q]}`).toBe(`${Math.round(stats[q]!)} ms`);
        }
      }
      expect(Number(cells.cost_usd!.value)).toBe(g.cost_usd);
      // Shown to three significant digits.
      expect(near(parseFloat(cells.cost_usd!.text!), g.cost_usd!, g.cost_usd! * 0.005)).toBe(true);
      expect(cells.native_tokens!.text).toBe(`${g.native_tokens_prompt}/${g.native_tokens_completion}`);
      expect(Number(cells.pass_rate!.value)).toBe(g.pass_rate);
      // A percentage with at most one decimal, as every output writes one.
      expect(cells.pass_rate!.text).toMatch(new RegExp(`^${Math.round(g.pass_rate! * 1000) / 10}% \\(`));
      expect(cells.pass_rate!.text).toContain(`${g.passed}/${g.checked}`);
    };
    for (const g of summary.groups) {
      const line = table.find((t) => t.group === `${g.model}|${g.system_prompt_id}`);
      expect(line, `${g.model}|${g.system_prompt_id}`).toBeDefined();
      check(g, line!.cells);
    }
    check(summary.overall, table.at(-1)!.cells);
    await page.close();
  });

  it('agent-lab report DIR rebuilds the same page', async () => {
    const before = await readFile(ws.path('run/report.html'), 'utf8');
    await rm(ws.path('run/report.html'));
    const r = await cli(['report', 'run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report: run\/report\.html/);
    expect(await readFile(ws.path('run/report.html'), 'utf8')).toBe(before);
  });

  it('agent-lab history --html draws cost and latency over time', async () => {
    const r = await cli(['history', '--html', 'trend.html']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/history page: trend\.html \(2 run\(s\)\)/);
    const { page, problems, requests } = await open(ws.path('trend.html'));
    expect(problems).toEqual([]);
    expect(requests).toHaveLength(1);
    const drawn = await charts(page);
    expect(drawn.map((c) => c.id).sort()).toEqual(['chart-cost', 'chart-latency', 'chart-latency-p95']);
    for (const c of drawn) expect(c.chart && c.painted > 500, c.id).toBe(true);
    // 2 runs × 4 model × prompt lines.
    expect(await page.$$eval('#history tbody tr', (trs) => trs.length)).toBe(8);
    await page.close();
  });

  it('keeps hostile text inert and says when per-job data is a sample', async () => {
    const label = '</script><script>window.pwned=1</script><!--';
    const rows = Array.from({ length: 30 }, (_, i) => row({ job_id: `j${i}`, model_label: label, latency_ms: 100 + i, passed: i % 2 === 0 }));
    const s = summarize(rows, { run_id: 'r', suite: 'evil', started_at: 'a', finished_at: 'b', status: 'ok' });
    const file = ws.path('evil.html');
    await writeFile(file, renderRunHtml({ summary: s, sample: rows.slice(0, 10), totalRows: 30, chartJs: await chartJsSource() }));
    const { page, problems } = await open(file);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.$eval('#summary tbody tr td', (td) => td.textContent)).toBe(label);
    expect(await page.$eval('#sample-note', (p) => p.textContent)).toMatch(/an even sample of 10 of 30 jobs/);
    await page.close();
  });
});

// Without the browser (a user's clone), say why instead of passing silently.
if (!HAVE_CHROMIUM) {
  console.warn(`html-report.test.ts skipped: ${SKIP_NOTE}`);
  it.skip(SKIP_NOTE, () => {});
}
