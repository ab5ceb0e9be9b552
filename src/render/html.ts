// report.html for one run: the summary table (the same numbers as summary.json), latency and
// TTFT distributions per model × system prompt, cost per group and per job, and pass rates with
// their 95% intervals. Pure: (summary, a sample of rows, the chart library) → string.
import type { GroupSummary, MetricStats, RunSummary } from '../types/summary.js';
import type { JobResult } from '../types/result.js';
import { chartBox, escapeHtml, pagePieces } from './html-page.js';
import { renderResponsesSection, responsesTailPieces, RESPONSES_STYLE, type ResponsesSection } from './html-responses.js';
import { RESPONSES_SCRIPT } from './html-responses-script.js';
import { formatMs, formatPercent, formatPercentRange, formatUsd } from '../format.js';
import { judgeColumns, scoreCell } from './judge-cells.js';

/** The per-job fields the charts use; a 100k-job run embeds a sample of these, not every row. */
export type SampleRow = Pick<JobResult, 'task_id' | 'model_label' | 'system_prompt_id' | 'status' | 'latency_ms' | 'ttft_ms' | 'cost_usd' | 'native_tokens_completion' | 'passed'>;

export interface RunHtmlInput {
  summary: RunSummary;
  /** Per-job rows for the per-job charts: all of them, or an even sample. */
  sample: SampleRow[];
  /** How many rows the run has (sample.length when not sampled). */
  totalRows: number;
  chartJs: string;
  /** The Responses section and the browser builds it runs on (marked, DOMPurify, jsdiff); absent: no section. */
  responses?: ResponsesSection & { libs: string[] };
}

export const SAMPLE_FIELDS = ['task_id', 'model_label', 'system_prompt_id', 'status', 'latency_ms', 'ttft_ms', 'cost_usd', 'native_tokens_completion', 'passed'] as const satisfies readonly (keyof SampleRow)[];

export function renderRunHtml(input: RunHtmlInput): string {
  return [...runHtmlPieces(input)].join('');
}

/** renderRunHtml in pieces, for report-html's streamed write. */
export function runHtmlPieces(input: RunHtmlInput): Generator<string> {
  const s = input.summary;
  const checked = s.groups.some((g) => (g.checked ?? 0) > 0);
  const sampled = input.sample.length < input.totalRows;
  const body = [
    `<h1>${escapeHtml(s.suite)}</h1>`,
    `<p class="meta">run <code>${escapeHtml(s.run_id)}</code> · status <b>${escapeHtml(s.status)}</b> · ${escapeHtml(s.started_at)} → ${escapeHtml(s.finished_at)} · ${s.overall.n} jobs</p>`,
    '<h2>Summary</h2>',
    `<div class="wide">${summaryTable(s)}</div>`,
    '<p class="note">Timing covers ok jobs only. An unknown value is shown as -, never as 0. Cost is /generation\'s total_cost; "+?" marks a total that misses jobs whose cost never arrived.</p>',
    '<h2>Latency and time to first token</h2>',
    '<p class="note">Per model × system prompt: the thin bar spans min–max, the thick one p50–p95 (from summary.json, every ok job).</p>',
    `<div class="charts">${chartBox('chart-latency', 'latency distribution per model')}${chartBox('chart-ttft', 'time to first token distribution per model')}</div>`,
    '<h2>Cost</h2>',
    `<div class="charts">${chartBox('chart-cost', 'total cost per model')}${chartBox('chart-cost-job', 'cost per job against latency')}</div>`,
    `<p class="note" id="sample-note">Per-job chart: ${sampled ? `an even sample of ${input.sample.length} of ${input.totalRows} jobs (the page embeds at most ${input.sample.length} rows; results.jsonl has them all)` : `all ${input.totalRows} jobs`}.</p>`,
    '<h2>Pass rate</h2>',
    checked
      ? `<div class="charts">${chartBox('chart-pass', 'pass rate per model with 95% interval')}</div><p class="note">Bars: share of checked jobs that passed every check; whiskers: Wilson 95% interval.</p>`
      : '<p class="note" id="no-checks">No task in this suite has checks, so there is no pass rate.</p>',
    input.responses ? renderResponsesSection(input.responses) : '',
  ].join('\n');
  return pagePieces({
    title: `agent-lab · ${s.suite} · ${s.run_id}`,
    body,
    data: { summary: s, sample: input.sample, total_rows: input.totalRows },
    chartJs: input.chartJs,
    script: RUN_SCRIPT,
    ...(input.responses ? { libs: input.responses.libs, scripts: [RESPONSES_SCRIPT], style: RESPONSES_STYLE, tail: responsesTailPieces(input.responses) } : {}),
  });
}

type Cell = { field: string; value: number | null; text: string | null };

function summaryTable(s: RunSummary): string {
  // The SLO and judge columns only when something was judged: a run without them keeps its table.
  const slo = (s.overall.slo_checked ?? 0) > 0;
  const judged = judgeColumns(s).back.length > 0;
  const head = ['model', 'prompt', 'ok/n', 'errors', 'pass rate (95% CI)', ...(slo ? ['SLO met (95% CI)'] : []), 'ttft p50', 'ttft p95', 'latency p50', 'latency p95', 'latency p99', 'tok/s p50', 'tokens in/out', 'cost $'];
  if (judged) head.push('judge score (95% CI)', 'judge errors', 'judge $', 'total $');
  const rows = s.groups.map((g) => groupRow(g, g.model_label, g.system_prompt_id, '', slo, judged));
  if (s.groups.length > 1) rows.push(groupRow(s.overall, 'all', '', ' class="overall"', slo, judged));
  return `<table id="summary"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function groupRow(g: GroupSummary, model: string, prompt: string, attrs: string, slo: boolean, judged: boolean): string {
  const cells: Cell[] = [
    { field: 'ok', value: g.ok, text: `${g.ok}/${g.n}` },
    { field: 'errors', value: g.errors, text: String(g.errors) },
    passCell(g),
    ...(slo ? [sloCell(g)] : []),
    msCell('ttft_ms.p50', g.ttft_ms.p50),
    msCell('ttft_ms.p95', p95(g.ttft_ms)),
    msCell('latency_ms.p50', g.latency_ms.p50),
    msCell('latency_ms.p95', p95(g.latency_ms)),
    msCell('latency_ms.p99', g.latency_ms.p99),
    { field: 'output_tps.p50', value: g.output_tps.p50, text: g.output_tps.p50 === null ? null : g.output_tps.p50.toFixed(1) },
    { field: 'native_tokens', value: g.native_tokens_prompt === null && g.native_tokens_completion === null ? null : (g.native_tokens_prompt ?? 0) + (g.native_tokens_completion ?? 0), text: g.native_tokens_prompt || g.native_tokens_completion ? `${g.native_tokens_prompt ?? '?'}/${g.native_tokens_completion ?? '?'}` : null },
    { field: 'cost_usd', value: g.cost_usd, text: g.cost_usd === null ? (g.cost_pending ? '?' : null) : `${formatUsd(g.cost_usd)}${g.cost_pending ? '+?' : ''}` },
  ];
  if (judged) {
    cells.push(
      { field: 'judge_score', value: g.judge_score ?? null, text: scoreCell(g) },
      { field: 'checks_errored', value: g.checks_errored ?? null, text: String(g.checks_errored ?? 0) },
      { field: 'judge_cost_usd', value: g.judge_cost_usd ?? null, text: g.judge_cost_usd == null ? null : formatUsd(g.judge_cost_usd) },
      { field: 'total_cost_usd', value: g.total_cost_usd ?? null, text: g.total_cost_usd == null ? null : formatUsd(g.total_cost_usd) },
    );
  }
  const td = (c: Cell) => `<td data-field="${c.field}" data-value="${c.value === null ? '' : c.value}">${c.text === null ? '-' : escapeHtml(c.text)}</td>`;
  const key = escapeHtml(`${g.model}|${g.system_prompt_id}`);
  return `<tr data-group="${key}"${attrs}><td>${escapeHtml(model)}</td><td>${escapeHtml(prompt)}</td>${cells.map(td).join('')}</tr>`;
}

// summary.json written before p95 existed lacks it: unknown, not 0.
const p95 = (m: MetricStats) => m.p95 ?? null;

function msCell(field: string, value: number | null): Cell {
  return { field, value, text: value === null ? null : formatMs(value) };
}

function passCell(g: GroupSummary): Cell {
  const rate = g.pass_rate ?? null;
  if (rate === null) return { field: 'pass_rate', value: null, text: null };
  const ci = g.pass_rate_ci95;
  return { field: 'pass_rate', value: rate, text: `${formatPercent(rate)}${ci ? ` (${formatPercentRange(ci)})` : ''} · ${g.passed}/${g.checked}` };
}

function sloCell(g: GroupSummary): Cell {
  const rate = g.slo_met_rate ?? null;
  if (rate === null) return { field: 'slo_met_rate', value: null, text: null };
  const ci = g.slo_met_rate_ci95;
  return { field: 'slo_met_rate', value: rate, text: `${formatPercent(rate)}${ci ? ` (${formatPercentRange(ci)})` : ''} · ${g.slo_met}/${g.slo_checked}` };
}

// The page script: plain ES2017 for any browser; no template literals, so it can live in one here.
const RUN_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('agent-lab-data').textContent);
  var groups = data.summary.groups;
  var palette = ['#3b6fd8', '#e07b39', '#2f9e6e', '#c2417f', '#8a63d2', '#b59a1c', '#1f9bb5', '#6b7280'];
  var color = function (i, alpha) { var c = palette[i % palette.length]; return alpha ? c + alpha : c; };
  var names = groups.map(function (g) { return g.model_label + ' · ' + g.system_prompt_id; });
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  // Tiny dollar amounts read better as 3 significant digits than as 1.0000000E-5.
  var usd = function (v) { return v === 0 ? '0' : Number(v).toPrecision(3); };
  var range = function (lo, hi) { return lo === null || hi === null || lo === undefined || hi === undefined ? null : [lo, hi]; };

  function distribution(id, metric, unit) {
    new Chart(document.getElementById(id), {
      type: 'bar',
      data: {
        labels: names,
        datasets: [
          // A higher order is drawn first: the thin min–max bar goes under the p50–p95 one.
          { label: 'min–max', order: 2, data: groups.map(function (g) { return range(g[metric].min, g[metric].max); }), grouped: false, barPercentage: 0.3, backgroundColor: '#9aa5b888' },
          { label: 'p50–p95', order: 1, data: groups.map(function (g) { return range(g[metric].p50, g[metric].p95 === undefined ? g[metric].p90 : g[metric].p95); }), grouped: false, barPercentage: 0.8, backgroundColor: groups.map(function (_, i) { return color(i, 'cc'); }) }
        ]
      },
      options: { indexAxis: 'y', scales: { x: { title: { display: true, text: unit }, beginAtZero: true } } }
    });
  }
  distribution('chart-latency', 'latency_ms', 'latency, ms');
  distribution('chart-ttft', 'ttft_ms', 'time to first token, ms');

  new Chart(document.getElementById('chart-cost'), {
    type: 'bar',
    data: { labels: names, datasets: [{ label: 'total cost, USD', data: groups.map(function (g) { return g.cost_usd; }), backgroundColor: groups.map(function (_, i) { return color(i); }) }] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, title: { display: true, text: 'USD' }, ticks: { callback: usd } } } }
  });

  var byGroup = {};
  data.sample.forEach(function (r) {
    if (r.cost_usd === null || r.latency_ms === null) return;
    var key = r.model_label + ' · ' + r.system_prompt_id;
    (byGroup[key] = byGroup[key] || []).push({ x: r.latency_ms, y: r.cost_usd });
  });
  new Chart(document.getElementById('chart-cost-job'), {
    type: 'scatter',
    data: { datasets: names.map(function (name, i) { return { label: name, data: byGroup[name] || [], backgroundColor: color(i, 'aa'), pointRadius: 3 }; }) },
    options: { scales: { x: { title: { display: true, text: 'latency, ms' } }, y: { title: { display: true, text: 'cost per job, USD' }, ticks: { callback: usd } } } }
  });

  var pass = document.getElementById('chart-pass');
  if (pass) {
    var pct = function (v) { return v === null || v === undefined ? null : v * 100; };
    new Chart(pass, {
      type: 'bar',
      data: {
        labels: names,
        datasets: [
          { label: 'pass rate, %', order: 1, data: groups.map(function (g) { return pct(g.pass_rate); }), grouped: false, barPercentage: 0.8, backgroundColor: groups.map(function (_, i) { return color(i, '99'); }) },
          { label: '95% interval', order: 0, data: groups.map(function (g) { return g.pass_rate_ci95 ? [pct(g.pass_rate_ci95[0]), pct(g.pass_rate_ci95[1])] : null; }), grouped: false, barPercentage: 0.12, backgroundColor: '#1d2330' }
        ]
      },
      options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } }
    });
  }
  document.body.setAttribute('data-charts', 'ready');
})();
`;
