// Pure: one gate on one measure of each model × system prompt group. A measure that is unknown
// (no job finished ok, nothing was judged) makes the gate `unknown`, never a pass.
import type { GateKey, GateResult, GroupSummary } from '../types/summary.js';

export interface Measure {
  gate: GateKey;
  limit: number;
  /** `min`: the measure must be at least the limit; `max`: at most. */
  bound: 'min' | 'max';
  /** The group's value; null when unknown. */
  value: (g: GroupSummary) => number | null;
  /** The value (or limit) as the message shows it. */
  show: (v: number) => string;
  /** `p95 latency`: what the message calls the measure. */
  label: string;
  /** Why the value is unknown, for the message. */
  unknown: (g: GroupSummary) => string;
  /** The passed/total tail after the value, e.g. ` (3/4)`. */
  detail?: (g: GroupSummary) => string;
}

export function measureGate(groups: readonly GroupSummary[], scopeOf: (g: GroupSummary) => string, m: Measure): GateResult[] {
  return groups.map((g) => {
    const scope = scopeOf(g);
    const actual = m.value(g);
    const base = { gate: m.gate, scope, limit: m.limit };
    if (actual === null) return { ...base, status: 'unknown', actual: null, message: `${scope}: ${m.label} unknown (${m.unknown(g)})` };
    const pass = m.bound === 'min' ? actual >= m.limit : actual <= m.limit;
    const sign = m.bound === 'min' ? (pass ? '≥' : '<') : pass ? '≤' : '>';
    return { ...base, status: pass ? 'pass' : 'fail', actual, message: `${scope}: ${m.label} ${m.show(actual)}${m.detail?.(g) ?? ''} ${sign} ${m.show(m.limit)}` };
  });
}
