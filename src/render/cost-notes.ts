// Footer lines of the summary table about money and routing: budget skips, the pre-run
// estimate against the actual cost, jobs whose costs or model do not add up, and which
// providers answered. Pure, returns lines.
import type { RunSummary } from '../types/summary.js';
import { formatPercent, usd } from '../format.js';

export function costNotes(summary: RunSummary): string[] {
  const notes: string[] = [];
  const skipped = summary.overall.error_kinds.budget ?? 0;
  if (skipped) notes.push(`skipped: ${skipped} job(s) not sent, the cost cap would have been crossed (status budget; a resume with a higher --max-cost runs them).`);

  const e = summary.estimate;
  // Every job skipped or answered from the cache: nothing was sent to set against the estimate.
  if (e && e.jobs > 0) {
    const pending = summary.overall.cost_pending ? '+?' : '';
    const range = e.low_usd === null ? '? (some prices unknown)' : e.low_usd === e.high_usd ? usd(e.low_usd) : `${usd(e.low_usd)}–${usd(e.high_usd)}`;
    const ratio = e.actual_usd !== null && e.high_usd ? ` (${formatPercent(e.actual_usd / e.high_usd)} of the worst case)` : '';
    const tokens = promptTokensNote(e);
    notes.push(`cost: actual ${usd(e.actual_usd)}${pending} vs estimate ${range} for ${e.jobs} job(s)${ratio}${tokens}`);
  }

  const r = summary.reconciliation;
  if (r?.cost_mismatches) {
    notes.push(`cost mismatch: ${r.cost_mismatches} job(s) where cost_usd, cost_usage_usd and cost_estimate_usd differ by more than ${formatPercent(r.tolerance.relative)} (see summary.json reconciliation).`);
  }
  if (r?.model_mismatches) {
    const served = [...new Set(r.jobs.filter((j) => j.kind === 'model_mismatch').map((j) => `${j.model} → ${j.model_served}`))];
    notes.push(`model mismatch: ${r.model_mismatches} job(s) answered by another model than requested (${served.join(', ')}): a silent fallback.`);
  }

  // Which providers answered each model: routing changes latency and price.
  const byModel = new Map<string, Record<string, number>>();
  for (const g of summary.groups) {
    const acc = byModel.get(g.model_label) ?? {};
    for (const [p, n] of Object.entries(g.providers)) acc[p] = (acc[p] ?? 0) + n;
    byModel.set(g.model_label, acc);
  }
  const providers = [...byModel].filter(([, p]) => Object.keys(p).length).map(([m, p]) => `${m}: ${Object.entries(p).sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', ')}`);
  if (providers.length) notes.push(`providers: ${providers.join('; ')}`);
  return notes;
}

/**
 * Estimated against native prompt tokens. The native counts come only from the jobs /generation
 * answered for; when that is not every job, per-job means are compared, over the jobs that have one.
 */
function promptTokensNote(e: NonNullable<RunSummary['estimate']>): string {
  if (e.prompt_tokens_actual === null) return '';
  const k = e.prompt_tokens_actual_jobs ?? e.jobs;
  if (k >= e.jobs || e.jobs === 0 || k === 0) return `; prompt tokens estimated ${e.prompt_tokens_estimated}, actual ${e.prompt_tokens_actual}`;
  const per = (total: number, n: number) => Math.round((total / n) * 10) / 10;
  return `; prompt tokens per job estimated ${per(e.prompt_tokens_estimated, e.jobs)}, actual ${per(e.prompt_tokens_actual, k)} (native counts for ${k} of ${e.jobs} jobs)`;
}
