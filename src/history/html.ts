// Pure: the trend page of `agent-lab history --html FILE`.
import type { HistoryEntry } from './history.js';
import { perJob } from './table.js';
import { chartBox, escapeHtml, renderPage } from '../render/html-page.js';
import { formatMs, formatPercent, formatUsd } from '../format.js';

/** The newest lines the table lists; the charts use every run. */
export const HISTORY_TABLE_LIMIT = 500;

export function renderHistoryHtml(entries: HistoryEntry[], chartJs: string, meta: { source: string }): string {
  const lines = entries.flatMap((e) => e.groups.map((g) => ({ e, g })));
  const shown = lines.slice(-HISTORY_TABLE_LIMIT).reverse();
  const cell = (v: string | null) => `<td>${v === null ? '-' : escapeHtml(v)}</td>`;
  const ms = (v: number | null) => (v === null ? null : formatMs(v));
  const rows = shown
    .map(({ e, g }) =>
      `<tr>${[
        e.time.slice(0, 16).replace('T', ' ') + (e.mock ? ' (mock)' : ''),
        `${e.suite} · ${g.model_label} · ${g.system_prompt_id}`,
        `${g.ok}/${g.n}`,
        g.pass_rate === null ? null : formatPercent(g.pass_rate),
        ms(g.latency_p50_ms),
        ms(g.latency_p95_ms),
        ms(g.ttft_p50_ms),
        g.cost_usd === null ? null : formatUsd(g.cost_usd),
        perJob(g) === null ? null : formatUsd(perJob(g)!),
      ]
        .map(cell)
        .join('')}</tr>`,
    )
    .join('');
  const head = ['finished (UTC)', 'suite · model · prompt', 'ok/n', 'pass', 'latency p50', 'latency p95', 'ttft p50', 'cost $', 'cost/job $'];
  const body = [
    '<h1>agent-lab history</h1>',
    `<p class="meta">${entries.length} run(s) from <code>${escapeHtml(meta.source)}</code>${entries.length ? ` · ${escapeHtml(entries[0]!.time)} → ${escapeHtml(entries.at(-1)!.time)}` : ''}</p>`,
    entries.length === 0 ? '<p class="note" id="empty">No runs match.</p>' : '',
    '<h2>Cost per job over time</h2>',
    `<div class="charts">${chartBox('chart-cost', 'cost per job over time')}</div>`,
    '<h2>Latency over time</h2>',
    `<div class="charts">${chartBox('chart-latency', 'latency p50 over time')}${chartBox('chart-latency-p95', 'latency p95 over time')}</div>`,
    '<h2>Runs</h2>',
    lines.length > HISTORY_TABLE_LIMIT ? `<p class="note">The newest ${HISTORY_TABLE_LIMIT} of ${lines.length} lines; the charts use all of them.</p>` : '',
    `<div class="wide"><table id="history"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>`,
  ].join('\n');
  const points = entries.map((e) => ({
    time: e.time,
    run_id: e.run_id,
    // Simulated runs get lines of their own: their numbers are not a real model's.
    groups: e.groups.map((g) => ({ key: `${e.suite} · ${g.model_label} · ${g.system_prompt_id}${e.mock ? ' (mock)' : ''}`, cost_per_job: perJob(g), latency_p50_ms: g.latency_p50_ms, latency_p95_ms: g.latency_p95_ms })),
  }));
  return renderPage({ title: 'agent-lab history', body, data: { runs: points }, chartJs, script: HISTORY_SCRIPT });
}

// One line per suite · model · prompt; x is the run's finish time (category axis, no date adapter).
const HISTORY_SCRIPT = String.raw`
(function () {
  var runs = JSON.parse(document.getElementById('agent-lab-data').textContent).runs;
  var palette = ['#3b6fd8', '#e07b39', '#2f9e6e', '#c2417f', '#8a63d2', '#b59a1c', '#1f9bb5', '#6b7280'];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var labels = runs.map(function (r) { return r.time.slice(0, 19).replace('T', ' '); });
  var keys = [];
  runs.forEach(function (r) { r.groups.forEach(function (g) { if (keys.indexOf(g.key) < 0) keys.push(g.key); }); });
  function line(id, field, unit) {
    new Chart(document.getElementById(id), {
      type: 'line',
      data: {
        labels: labels,
        datasets: keys.map(function (key, i) {
          return {
            label: key,
            spanGaps: true,
            borderColor: palette[i % palette.length],
            backgroundColor: palette[i % palette.length],
            data: runs.map(function (r) { var g = r.groups.filter(function (x) { return x.key === key; })[0]; return g ? g[field] : null; })
          };
        })
      },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: unit }, ticks: { callback: function (v) { return v === 0 ? '0' : Number(v).toPrecision(3); } } } } }
    });
  }
  line('chart-cost', 'cost_per_job', 'USD per job');
  line('chart-latency', 'latency_p50_ms', 'latency p50, ms');
  line('chart-latency-p95', 'latency_p95_ms', 'latency p95, ms');
  document.body.setAttribute('data-charts', 'ready');
})();
`;
