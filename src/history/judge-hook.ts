// HOOK(judge): put `judge_score` and `judge_cost_usd` on GroupSummary and the history line and metrics
// export (src/metrics/families.ts) carry them. Until then no judge metric: unknown, never a 0.
import type { GroupSummary } from '../types/summary.js';

export interface JudgeFigures {
  /** Mean; null when it judged nothing. */
  judge_score?: number | null;
  /** The judge's own calls. */
  judge_cost_usd?: number | null;
}

export function judgeOfGroup(group: GroupSummary): JudgeFigures {
  const g = group as GroupSummary & JudgeFigures;
  return {
    ...(g.judge_score !== undefined ? { judge_score: g.judge_score } : {}),
    ...(g.judge_cost_usd !== undefined ? { judge_cost_usd: g.judge_cost_usd } : {}),
  };
}
