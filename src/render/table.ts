// The summary table printed at the end of a run: one row per model × system prompt.
import { groupId, type GroupSummary, type RunSummary } from '../types/summary.js';
import { costNotes } from './cost-notes.js';
import { loadNotes } from './load-notes.js';
import { endpointNotes } from './endpoint-notes.js';
import { formatTable, type Column } from './format-table.js';
import { formatMs, formatPercent, formatUsd } from '../format.js';
import { judgeColumns } from './judge-cells.js';

const COLUMNS: Column[] = [
  { header: 'model' },
  { header: 'prompt' },
  { header: 'ok/n', align: 'right' },
  { header: 'ttft p50', align: 'right' },
  { header: 'ttft p90', align: 'right' },
  // First visible content: larger than ttft when a model thinks first, so thinking time shows.
  { header: 'ttfc p50', align: 'right' },
  { header: 'latency p50', align: 'right' },
  { header: 'latency p90', align: 'right' },
  { header: 'tok/s p50', align: 'right' },
  { header: 'tokens in/out', align: 'right' },
  { header: 'cost $', align: 'right' },
];

export function renderSummaryTable(summary: RunSummary): string {
  // The pass and cached columns appear only when something was checked or cached: a plain run keeps its table.
  const extra: [Column, (g: GroupSummary) => string | null][] = [];
  if (summary.overall.checked > 0) extra.push([{ header: 'pass', align: 'right' }, passCell]);
  // Speed checks are their own column, apart from pass (README "SLO goodput"); flaky needs repeats.
  if (summary.overall.slo_checked) extra.push([{ header: 'slo met', align: 'right' }, sloCell]);
  const flaky = flakyCells(summary);
  if (flaky) extra.push([{ header: 'flaky', align: 'right' }, flaky]);
  if (summary.overall.cached) extra.push([{ header: 'cached', align: 'right' }, (g) => `${g.cached ?? 0}/${g.n}`]);
  const judged = judgeColumns(summary);
  extra.push(...judged.front);
  const at = COLUMNS.findIndex((c) => c.header === 'ok/n') + 1;
  const columns = [...COLUMNS.slice(0, at), ...extra.map(([c]) => c), ...COLUMNS.slice(at), ...judged.back.map(([c]) => c)];
  const line = (g: GroupSummary, model: string, prompt: string) => {
    const cells = groupRow(g, model, prompt);
    cells.splice(at, 0, ...extra.map(([, cell]) => cell(g)));
    cells.push(...judged.back.map(([, cell]) => cell(g)));
    return cells;
  };
  const rows = summary.groups.flatMap((g) => [line(g, g.model_label, g.system_prompt_id), ...providerLines(g).map(([name, part]) => line(part, name, ''))]);
  if (summary.groups.length > 1) rows.push(line(summary.overall, 'all', ''));
  const notes: string[] = [];
  const pending = summary.overall.cost_pending;
  if (pending) notes.push(`${pending} job(s) have no cost yet (/generation did not answer in time): cost shown as ? where incomplete.`);
  // Budget skips are not errors; costNotes reports them.
  const kinds = Object.entries(summary.overall.error_kinds).filter(([k]) => k !== 'budget');
  if (kinds.length) notes.push(`errors: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')} (see results.jsonl for each message)`);
  // Throttling stretches latency and queue time: say so, or a slow run reads as a slow model.
  if (summary.throttles) notes.push(`rate limited: concurrency was lowered ${summary.throttles} time(s) after 429s`);
  const { cached, cost_cached_usd: saved } = summary.overall;
  if (cached) notes.push(`cached ${cached}/${summary.overall.n}: answered from the response cache, sent nowhere and cost $0${saved ? ` (${formatUsd(saved)} when they were made)` : ''}; their timing and tokens are left out of every figure above`);
  notes.push(...loadNotes(summary), ...endpointNotes(summary));
  notes.push(...costNotes(summary));
  if (summary.overall.checks_errored) notes.push(`judge errors: ${summary.overall.checks_errored} job(s) have a check the judge could not decide (verdict error): they are in neither pass nor fail (see check_failures)`);
  return formatTable(columns, rows) + notes.map((n) => `${n}\n`).join('');
}

function groupRow(g: GroupSummary, model: string, prompt: string): (string | number | null)[] {
  return [
    model,
    prompt,
    `${g.ok}/${g.n}`,
    ms(g.ttft_ms.p50),
    ms(g.ttft_ms.p90),
    ms(g.ttfc_ms.p50),
    ms(g.latency_ms.p50),
    ms(g.latency_ms.p90),
    g.output_tps.p50 === null ? null : g.output_tps.p50.toFixed(1),
    g.native_tokens_prompt || g.native_tokens_completion ? `${g.native_tokens_prompt ?? '?'}/${g.native_tokens_completion ?? '?'}` : null,
    cost(g),
  ];
}

/** `3/4 75%`: passed of checked (errored jobs are not in either). The step summary shows the same cell. */
export function passCell(g: Pick<GroupSummary, 'checked' | 'passed' | 'pass_rate'>): string | null {
  if (!g.checked || g.pass_rate === null) return null;
  return `${g.passed}/${g.checked} ${formatPercent(g.pass_rate)}`;
}

/** `9/10 90%`: requests that met every speed check, of those judged. */
export function sloCell(g: Pick<GroupSummary, 'slo_checked' | 'slo_met' | 'slo_met_rate'>): string | null {
  if (!g.slo_checked || g.slo_met_rate === null || g.slo_met_rate === undefined) return null;
  return `${g.slo_met}/${g.slo_checked} ${formatPercent(g.slo_met_rate)}`;
}

/** `1/4`: flaky of the tasks with a pass state, per group; null when no task was repeated. */
function flakyCells(summary: RunSummary): ((g: GroupSummary) => string | null) | null {
  const list = summary.consistency ?? [];
  if (!list.some((c) => c.per_task.length)) return null;
  const byGroup = new Map(list.map((c) => [groupId(c), c]));
  const total = list.reduce((a, c) => ({ flaky: a.flaky + c.flaky_tasks, tasks: a.tasks + c.tasks }), { flaky: 0, tasks: 0 });
  return (g) => {
    // A provider's line (providerLines) has no per-task figures of its own.
    if (g !== summary.overall && !summary.groups.includes(g)) return null;
    const c = g === summary.overall ? total : byGroup.get(groupId(g));
    return c ? `${'flaky_tasks' in c ? c.flaky_tasks : c.flaky}/${c.tasks}` : null;
  };
}

/** A group served by more than one provider gets a line per provider under it (` ↳ Groq`). */
function providerLines(g: GroupSummary): [string, GroupSummary][] {
  const parts = Object.entries(g.by_provider ?? {});
  // Only the part's own figures: a provider that served no judged job has no judge cost of its own.
  const key = { model: g.model, model_label: g.model_label, system_prompt_id: g.system_prompt_id };
  return parts.length > 1 ? parts.map(([name, part]) => [`  ↳ ${name}`, { ...key, providers: { [name]: part.n }, ...part }]) : [];
}

const ms = (value: number | null) => (value === null ? null : formatMs(value));

/** A total that misses some jobs' costs is marked, never passed off as complete. */
function cost(g: GroupSummary): string | null {
  if (g.cost_usd === null) return g.cost_pending ? '?' : null;
  const text = formatUsd(g.cost_usd);
  return g.cost_pending ? `${text}+?` : text;
}
