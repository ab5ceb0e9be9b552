// The run as GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY (the job's summary page):
// the summary table, the gates, and the failed checks worth a look. Pure.
import type { GateResult, GroupSummary, RunSummary } from '../types/summary.js';
import type { JobResult } from '../types/result.js';
import { checkFailuresText } from './checks-text.js';
import { passCell, sloCell } from './table.js';
import { formatMs, formatPercentRange, formatUsd } from '../format.js';

/** What the "failed checks" list shows of a row. */
export type FailedRow = Pick<JobResult, 'task_id' | 'model_label' | 'system_prompt_id' | 'repeat' | 'checks'>;

/** Rows listed under "failed checks" at most; the rest are counted. */
export const MAX_FAILED = 20;

export interface SummaryMdInput {
  summary: RunSummary;
  gates?: readonly GateResult[];
  /** Rows whose checks failed, for the "failed checks" list (the first MAX_FAILED are shown). */
  failed?: readonly FailedRow[];
  /** How many rows failed in all, when `failed` holds only the first few (default: failed.length). */
  failedTotal?: number;
  /** E.g. `shard 2/4`, `merged from 4 shards`. */
  note?: string;
  exitCode?: number;
}

export function renderSummaryMarkdown({ summary, gates = [], failed = [], failedTotal = failed.length, note, exitCode }: SummaryMdInput): string {
  const checked = summary.overall.checked > 0;
  const slo = (summary.overall.slo_checked ?? 0) > 0;
  const header = ['model', 'prompt', 'ok/n', ...(checked ? ['pass', 'pass 95% CI'] : []), ...(slo ? ['slo met'] : []), 'ttft p50', 'latency p50', 'latency p95', 'tokens in/out', 'cost $'];
  const right = header.map((h) => (h === 'model' || h === 'prompt' ? ':--' : '--:'));
  const line = (g: GroupSummary, model: string, prompt: string) =>
    [
      cell(model),
      cell(prompt),
      `${g.ok}/${g.n}`,
      ...(checked ? [passCell(g) ?? '-', g.pass_rate_ci95 ? formatPercentRange(g.pass_rate_ci95) : '-'] : []),
      ...(slo ? [sloCell(g) ?? '-'] : []),
      ms(g.ttft_ms.p50),
      ms(g.latency_ms.p50),
      ms(g.latency_ms.p95),
      g.native_tokens_prompt || g.native_tokens_completion ? `${g.native_tokens_prompt ?? '?'}/${g.native_tokens_completion ?? '?'}` : '-',
      g.cost_usd === null ? (g.cost_pending ? '?' : '-') : `${formatUsd(g.cost_usd)}${g.cost_pending ? '+?' : ''}`,
    ];
  const rows = summary.groups.map((g) => line(g, g.model_label, g.system_prompt_id));
  if (summary.groups.length > 1) rows.push(line(summary.overall, '**all**', ''));
  const o = summary.overall;
  const out = [
    `### agent-lab: ${cell(summary.suite)}${exitCode === undefined ? '' : ` — ${verdict(exitCode)}`}`,
    '',
    `${o.n} jobs: ${o.ok} ok, ${o.errors} errored, ${o.skipped} skipped${note ? ` · ${cell(note)}` : ''} · run \`${summary.run_id}\``,
    '',
    row(header),
    row(right),
    ...rows.map(row),
    '',
  ];
  if (checked) out.push('_Pass rates count the jobs that finished ok; errored jobs are counted under errors._', '');
  if (gates.length) {
    out.push('#### Gates', '');
    for (const g of gates) out.push(`- ${g.status === 'pass' ? '✅' : g.status === 'fail' ? '❌' : '❔'} \`${g.gate}\` ${cell(g.message)}`);
    out.push('');
  }
  if (failedTotal) {
    const shown = failed.slice(0, MAX_FAILED);
    out.push(`#### Failed checks (${failedTotal})`, '');
    for (const r of shown) {
      out.push(`- \`${cell(r.task_id)}\` · ${cell(r.model_label)} · ${cell(r.system_prompt_id)}${r.repeat ? ` #${r.repeat}` : ''} — ${cell(checkFailuresText(r))}`);
    }
    if (failedTotal > shown.length) out.push(`- … and ${failedTotal - shown.length} more (results.csv, column check_failures)`);
    out.push('');
  }
  return out.join('\n');
}

function verdict(code: number): string {
  if (code === 0) return 'ok';
  if (code === 3) return '❌ gate failed (exit 3)';
  if (code === 1) return '⚠️ jobs failed (exit 1)';
  return `exit ${code}`;
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const ms = (value: number | null) => (value === null ? '-' : formatMs(value));
/** Table-safe text: a `|` or newline would break the row. */
const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
