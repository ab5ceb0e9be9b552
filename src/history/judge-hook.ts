// HOOK(judge): the judge check (another change) is to put a score and its own cost on each
// summary group. Name them `judge_score` and `judge_cost_usd` on GroupSummary (or change this one
// function): the history line carries them, and the metrics export (src/metrics/families.ts)
// emits agent_lab_judge_score and agent_lab_*cost_usd{role="judge"} from them. Until a group
// carries them, no judge metric is emitted — an absent judge is unknown, never a 0.
import type { GroupSummary } from '../types/summary.js';

export interface JudgeFigures {
  /** The judge's mean score for the group; null when it judged nothing. */
  judge_score?: number | null;
  /** What the judge's own calls cost, USD; null when unknown. */
  judge_cost_usd?: number | null;
}

/** The judge's figures of a summary group: only the keys the group has. */
export function judgeOfGroup(group: GroupSummary): JudgeFigures {
  const g = group as GroupSummary & JudgeFigures;
  return {
    ...(g.judge_score !== undefined ? { judge_score: g.judge_score } : {}),
    ...(g.judge_cost_usd !== undefined ? { judge_cost_usd: g.judge_cost_usd } : {}),
  };
}
