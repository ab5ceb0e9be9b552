// Pure: a run's summary × its gates → one verdict per gate and scope. A gate *fails* only on a
// measured value past its limit; when the value is unknown (every job of a group errored, costs
// still pending) the gate is `unknown` — never a pass, and not a regression either. exitCodeFor
// turns that into CI's vocabulary: 3 for a measured failure, 1 for unknown (infrastructure).
import { EXIT, type ExitCode } from '../errors.js';
import { formatPercent, usd } from '../format.js';
import { sloGates } from './gates-slo.js';
import { taskGates } from './gates-tasks.js';
import { GATE_KEYS, type GateKey, type GateResult, type Gates, type GroupSummary, type RunStatus, type RunSummary } from '../types/summary.js';

export type { GateKey, GateResult, Gates };

/**
 * Pass rate, speed and per-task gates are per model × system prompt — a regression in one arm
 * must not hide in the average of the others; the cost gate is on the whole run.
 */
export function evaluateGates(summary: RunSummary, gates: Gates): GateResult[] {
  const results: GateResult[] = [];
  // A shard dealt no jobs (n > matrix size) has nothing to gate; the merge gates the whole.
  if (summary.overall.n === 0) return results;
  const groups = summary.groups.length ? summary.groups : [summary.overall];
  const scopeOf = (g: GroupSummary) => (g === summary.overall ? 'all' : `${g.model_label} / ${g.system_prompt_id}`);
  if (gates.min_pass_rate !== undefined) {
    const limit = gates.min_pass_rate;
    for (const g of groups) {
      const scope = scopeOf(g);
      if (g.pass_rate === null) {
        results.push({ gate: 'min_pass_rate', scope, status: 'unknown', actual: null, limit, message: `${scope}: pass rate unknown (no job finished ok with checks${g.errors ? `; ${g.errors} errored` : ''})` });
        continue;
      }
      const status = g.pass_rate >= limit ? 'pass' : 'fail';
      results.push({ gate: 'min_pass_rate', scope, status, actual: g.pass_rate, limit, message: `${scope}: pass rate ${formatPercent(g.pass_rate)} (${g.passed}/${g.checked}) ${status === 'pass' ? '≥' : '<'} ${formatPercent(limit)}` });
    }
  }
  results.push(...sloGates(groups, scopeOf, gates));
  results.push(...taskGates(summary, groups, scopeOf, gates));
  if (gates.max_total_cost !== undefined) results.push(costGate(summary.overall, gates.max_total_cost));
  return results;
}

/** The known costs already over the limit fail it, pending ones or not; under it with costs pending is unknown. */
function costGate(all: GroupSummary, limit: number): GateResult {
  const base = { gate: 'max_total_cost' as const, scope: 'all', limit };
  const cost = all.cost_usd;
  if (cost !== null && cost > limit) {
    return { ...base, status: 'fail', actual: cost, message: `total cost ${usd(cost)}${all.cost_pending ? ` (+${all.cost_pending} pending)` : ''} > $${limit}` };
  }
  if (cost === null || all.cost_pending > 0) {
    const why = all.cost_pending ? `${all.cost_pending} job cost(s) still pending from /generation` : 'no cost is known';
    return { ...base, status: 'unknown', actual: cost, message: `total cost unknown: ${why}${cost !== null ? ` (${usd(cost)} known)` : ''}` };
  }
  return { ...base, status: 'pass', actual: cost, message: `total cost ${usd(cost)} ≤ $${limit}` };
}

/**
 * The exit code, most urgent first: interrupted 130 > budget stop 4 > auth/credits stop 1 (the
 * run is incomplete, so no gate can be trusted) > a measured gate failure 3 (even when some jobs
 * also errored: errored jobs are not in the measures, so the regression is real) > jobs errored
 * or a gate that could not be measured 1 > 0.
 */
export function exitCodeFor(status: RunStatus, summary: RunSummary, gates: readonly Pick<GateResult, 'status'>[] = []): ExitCode {
  if (status === 'interrupted') return EXIT.interrupted;
  if (status === 'budget') return EXIT.budget;
  if (status === 'stopped') return EXIT.jobs_failed;
  if (gates.some((g) => g.status === 'fail')) return EXIT.gate;
  if (summary.overall.errors > 0 || gates.some((g) => g.status === 'unknown')) return EXIT.jobs_failed;
  // A check the judge could not decide is an unknown, like a failed job: the run was not fully graded.
  if ((summary.overall.checks_errored ?? 0) > 0) return EXIT.jobs_failed;
  return EXIT.ok;
}

/** Flags over suite `gates:`, key by key. */
export function mergeGates(...layers: (Gates | undefined)[]): Gates {
  const out: Gates = {};
  for (const layer of layers) for (const key of GATE_KEYS) if (layer?.[key] !== undefined) Object.assign(out, { [key]: layer[key] });
  return out;
}
