// Pure: per-task flips between two runs — a task × model × system prompt whose pass state
// (pass: every attempt passed, fail: none did, flaky: some did) changed. A flip on a few repeats
// is mostly noise, so flips are listed, never called significant; only `--fail-on
// task_flips>N` turns their count into a verdict.
import type { TaskTally } from '../stats/consistency.js';
import { groupId, type GroupKey, type RunSummary } from '../types/summary.js';

export type PassState = 'pass' | 'fail' | 'flaky';

export interface TaskSide {
  n: number;
  passed: number;
  state: PassState;
}

export interface TaskFlip extends GroupKey {
  task_id: string;
  baseline: TaskSide;
  current: TaskSide;
}

/** The tasks summary.json lists: those run twice or more (a bare summary.json has no single runs). */
export function tasksFromSummary(summary: RunSummary): TaskTally[] | null {
  if (!summary.consistency) return null;
  return summary.consistency.flatMap((g) => g.per_task.map((t) => ({ model: g.model, model_label: g.model_label, system_prompt_id: g.system_prompt_id, task_id: t.task_id, n: t.n, passed: t.passed })));
}

export function findFlips(base: readonly TaskTally[], cur: readonly TaskTally[]): TaskFlip[] {
  const key = (t: TaskTally) => `${groupId(t)}\u0000${t.task_id}`;
  const before = new Map(base.map((t) => [key(t), t]));
  const flips: TaskFlip[] = [];
  for (const t of cur) {
    const b = before.get(key(t));
    if (!b) continue;
    const baseline = side(b);
    const current = side(t);
    if (baseline.state !== current.state) flips.push({ model: t.model, model_label: t.model_label, system_prompt_id: t.system_prompt_id, task_id: t.task_id, baseline, current });
  }
  return flips;
}

const side = (t: TaskTally): TaskSide => ({ n: t.n, passed: t.passed, state: t.passed === t.n ? 'pass' : t.passed === 0 ? 'fail' : 'flaky' });

/** Flips a report lists; the count is always whole. */
export const FLIPS_SHOWN = 20;

/** The flips as report lines (a heading, then one per flip); [] when none. */
export function flipLines(flips: readonly TaskFlip[] | null): string[] {
  if (!flips?.length) return [];
  const more = flips.length > FLIPS_SHOWN ? [`… and ${flips.length - FLIPS_SHOWN} more`] : [];
  return [`task flips: ${flips.length} (pass state changed; not tested for significance — on a few repeats most flips are noise; --fail-on task_flips>N gates the count)`, ...flips.slice(0, FLIPS_SHOWN).map(flipText), ...more];
}

/** `capital · gpt · default: pass 3/3 → flaky 1/3`. */
export const flipText = (f: TaskFlip): string =>
  `${f.task_id} · ${f.model_label} · ${f.system_prompt_id}: ${f.baseline.state} ${f.baseline.passed}/${f.baseline.n} → ${f.current.state} ${f.current.passed}/${f.current.n}`;
