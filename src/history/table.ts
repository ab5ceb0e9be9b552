// Pure: the `agent-lab history` table; Δ columns compare with the same suite, model and prompt's previous run.
import type { HistoryEntry, HistoryGroup } from './history.js';
import { formatTable, type Column } from '../render/format-table.js';
import { formatMs, formatPercent, formatSigned, formatUsd } from '../format.js';

const COLUMNS: Column[] = [
  { header: 'finished (UTC)' },
  { header: 'suite' },
  { header: 'model' },
  { header: 'prompt' },
  { header: 'ok/n', align: 'right' },
  { header: 'pass', align: 'right' },
  { header: 'latency p50', align: 'right' },
  { header: 'Δ p50', align: 'right' },
  { header: 'latency p95', align: 'right' },
  { header: 'ttft p50', align: 'right' },
  { header: 'tokens in/out', align: 'right' },
  { header: 'cost $', align: 'right' },
  { header: 'cost/job $', align: 'right' },
  { header: 'Δ cost/job', align: 'right' },
];

export function renderHistoryTable(entries: HistoryEntry[]): string {
  if (entries.length === 0) return 'No runs in the history (yet) match.\n';
  const previous = new Map<string, HistoryGroup>();
  const rows: (string | null)[][] = [];
  for (const e of entries) {
    for (const g of e.groups) {
      // A simulated run is no baseline for a real one (nor the other way round).
      const key = `${e.suite}\u0000${g.model}\u0000${g.system_prompt_id}\u0000${g.model_label}\u0000${e.mock}`;
      const before = previous.get(key);
      previous.set(key, g);
      rows.push([
        `${e.time.slice(0, 16).replace('T', ' ')}${e.mock ? ' (mock)' : ''}`,
        e.suite,
        g.model_label,
        g.system_prompt_id,
        `${g.ok}/${g.n}`,
        g.pass_rate === null ? null : formatPercent(g.pass_rate),
        ms(g.latency_p50_ms),
        change(before?.latency_p50_ms ?? null, g.latency_p50_ms),
        ms(g.latency_p95_ms),
        ms(g.ttft_p50_ms),
        g.native_tokens_prompt || g.native_tokens_completion ? `${g.native_tokens_prompt ?? '?'}/${g.native_tokens_completion ?? '?'}` : null,
        g.cost_usd === null ? (g.cost_pending ? '?' : null) : `${formatUsd(g.cost_usd)}${g.cost_pending ? '+?' : ''}`,
        perJob(g) === null ? null : formatUsd(perJob(g)!),
        change(before ? perJob(before) : null, perJob(g)),
      ]);
    }
  }
  // The SLO column only once some run judged speed checks: older histories keep their table.
  const at = COLUMNS.findIndex((c) => c.header === 'pass') + 1;
  const slo = entries.flatMap((e) => e.groups.map((g) => (g.slo_met_rate == null ? null : formatPercent(g.slo_met_rate))));
  if (slo.every((cell) => cell === null)) return formatTable(COLUMNS, rows);
  rows.forEach((row, i) => row.splice(at, 0, slo[i]!));
  return formatTable([...COLUMNS.slice(0, at), { header: 'slo met', align: 'right' }, ...COLUMNS.slice(at)], rows);
}

/** Cost per priced job: a total over more jobs is not a rise in price, nor a cache hit's 0 a fall. */
export function perJob(g: HistoryGroup): number | null {
  const priced = g.ok - Math.min(g.ok, g.cost_pending + (g.cached ?? 0));
  return g.cost_usd === null || priced === 0 ? null : g.cost_usd / priced;
}

const ms = (v: number | null) => (v === null ? null : formatMs(v));

function change(before: number | null, now: number | null): string | null {
  if (before === null || now === null || before === 0) return null;
  return `${formatSigned(((now - before) / before) * 100)}%`;
}
