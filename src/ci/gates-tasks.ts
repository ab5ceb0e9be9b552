// Pure: the per-task consistency gates, per model × system prompt, on summary.json's
// `consistency` block: every task's pass rate, the count of flaky tasks, and the mean pass^k.
import { formatPercent } from '../format.js';
import { groupId, type GateResult, type Gates, type GroupConsistency, type GroupSummary, type RunSummary } from '../types/summary.js';
import { measureGate } from './gate-measure.js';

export function taskGates(summary: RunSummary, groups: readonly GroupSummary[], scopeOf: (g: GroupSummary) => string, gates: Gates): GateResult[] {
  const byGroup = new Map((summary.consistency ?? []).map((c) => [groupId(c), c]));
  // The overall row stands for a run with no groups; it has no consistency of its own.
  const of = (g: GroupSummary): GroupConsistency | undefined => byGroup.get(groupId(g));
  const none = (g: GroupSummary) => `no task with checks has a pass state${g.errors ? `; ${g.errors} errored` : ''}`;
  const out: GateResult[] = [];
  if (gates.min_task_pass_rate !== undefined) {
    out.push(
      ...measureGate(groups, scopeOf, {
        gate: 'min_task_pass_rate',
        limit: gates.min_task_pass_rate,
        bound: 'min',
        value: (g) => of(g)?.min_task_pass_rate ?? null,
        show: formatPercent,
        label: 'lowest task pass rate',
        detail: (g) => ` (${lowest(of(g)!)})`,
        unknown: none,
      }),
    );
  }
  if (gates.max_flaky_tasks !== undefined) {
    const count = (v: number) => String(v);
    out.push(...measureGate(groups, scopeOf, { gate: 'max_flaky_tasks', limit: gates.max_flaky_tasks, bound: 'max', value: (g) => of(g)?.flaky_tasks ?? null, show: count, label: 'flaky tasks', detail: (g) => ` of ${of(g)!.tasks}`, unknown: none }));
  }
  const hat = gates.min_pass_hat_k;
  if (hat !== undefined) {
    const results = measureGate(groups, scopeOf, {
      gate: 'min_pass_hat_k',
      limit: hat.value,
      bound: 'min',
      value: (g) => of(g)?.pass_hat_k[hat.k] ?? null,
      show: formatPercent,
      label: `pass^${hat.k}`,
      unknown: (g) => (of(g) ? `no task was run ${hat.k} times or more: raise its repeats` : none(g)),
    });
    out.push(...results);
  }
  return out;
}

/** The task with the lowest pass rate, as `task-id 1/3`; the first of a tie. */
function lowest(c: GroupConsistency): string {
  const t = c.per_task.find((x) => x.pass_rate === c.min_task_pass_rate);
  return t ? `${t.task_id} ${t.passed}/${t.n}` : `${c.failing_tasks} task(s) never passed`;
}
