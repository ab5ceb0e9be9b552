// The judge's columns of the summary table, present only when something was judged: the mean
// score with its interval beside the pass rate, and the judge's cost after the subject's, with
// the two together.
import { formatUsd } from '../format.js';
import type { Column } from './format-table.js';
import type { GroupSummary, RunSummary } from '../types/summary.js';

type Cell = [Column, (g: GroupSummary) => string | null];

export function judgeColumns(summary: RunSummary): { front: Cell[]; back: Cell[] } {
  const o = summary.overall;
  if (!o.judge_scored && !o.checks_errored && o.judge_cost_usd == null) return { front: [], back: [] };
  return {
    front: [[{ header: 'score', align: 'right' }, scoreCell]],
    back: [
      [{ header: 'judge $', align: 'right' }, (g) => (g.judge_cost_usd == null ? null : formatUsd(g.judge_cost_usd))],
      [{ header: 'total $', align: 'right' }, (g) => (g.total_cost_usd == null ? null : formatUsd(g.total_cost_usd))],
    ],
  };
}

/** `0.72 [0.61–0.83]`; the interval needs two scored jobs. */
export function scoreCell(g: Pick<GroupSummary, 'judge_score' | 'judge_score_ci95'>): string | null {
  if (g.judge_score == null) return null;
  const ci = g.judge_score_ci95;
  return ci ? `${g.judge_score.toFixed(2)} [${ci[0].toFixed(2)}–${ci[1].toFixed(2)}]` : g.judge_score.toFixed(2);
}
