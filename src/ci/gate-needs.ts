// Pure: gates that can never be measured on this suite are refused before anything is sent: a
// pass-rate gate needs quality checks, an SLO gate needs speed checks (checks/slo.ts).
import { ConfigError } from '../errors.js';
import { isSpeedCheck } from '../checks/slo.js';
import type { CheckSpec } from '../types/job.js';
import type { GateKey, Gates } from '../types/summary.js';
import { WARN } from '../warnings.js';

const NEEDS_QUALITY: readonly GateKey[] = ['min_pass_rate', 'min_task_pass_rate', 'max_flaky_tasks', 'min_pass_hat_k'];

/**
 * Throws when a gate needs checks the suite's tasks do not have; `checks` is each entry's list.
 * Returns a warning for a suite that gated speed through min_pass_rate before slo_met existed.
 */
export function assertGatesMeasurable(gates: Gates, checks: readonly (readonly CheckSpec[])[]): string | null {
  const quality = checks.some((list) => list.some((c) => !isSpeedCheck(c)));
  const speed = checks.some((list) => list.some(isSpeedCheck));
  const set = (key: GateKey) => gates[key] !== undefined;
  const noQuality = NEEDS_QUALITY.filter(set);
  if (noQuality.length && !quality) {
    const any = checks.some((list) => list.length);
    throw new ConfigError(
      `${noQuality.map((k) => `\`${k}\``).join(', ')} need${noQuality.length === 1 ? 's' : ''} checks on the answers, and no task has any${any ? ' (speed checks such as max_ttft_ms count in slo_met, not in the pass rate)' : ''}: add \`checks:\` to the suite (README "Checks") or drop the gate.`,
    );
  }
  if (set('min_slo_met_rate') && !speed) {
    throw new ConfigError('`min_slo_met_rate` needs speed checks (max_ttft_ms, max_latency_ms, max_itl_ms, min_output_tps), and no task has any: add them to `checks:` (README "SLO goodput") or drop the gate.');
  }
  return set('min_pass_rate') && speed && !SPEED_GATES.some(set) ? WARN.speedChecksApart() : null;
}

const SPEED_GATES: readonly GateKey[] = ['min_slo_met_rate', 'max_p95_latency_ms', 'max_p95_ttft_ms', 'max_p95_itl_ms', 'min_p50_output_tps'];
