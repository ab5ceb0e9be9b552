// Pure: the speed gates, per model × system prompt: the share of requests that met the speed
// checks (slo_met_rate) and the tails of TTFT, ITL and output speed. Tokens/s is gated at its
// median: a per-request floor is the `min_output_tps` check, counted in slo_met.
import { formatMs, formatPercent } from '../format.js';
import type { GateResult, Gates, GroupSummary } from '../types/summary.js';
import { measureGate } from './gate-measure.js';

const noOk = (g: GroupSummary) => `no job finished ok${g.cached ? `; ${g.cached} cache hit(s), not timed` : ''}`;
const ms = (v: number) => formatMs(v);

export function sloGates(groups: readonly GroupSummary[], scopeOf: (g: GroupSummary) => string, gates: Gates): GateResult[] {
  const out: GateResult[] = [];
  if (gates.max_p95_latency_ms !== undefined) {
    out.push(...measureGate(groups, scopeOf, { gate: 'max_p95_latency_ms', limit: gates.max_p95_latency_ms, bound: 'max', value: (g) => g.latency_ms.p95, show: ms, label: 'p95 latency', unknown: noOk }));
  }
  if (gates.min_slo_met_rate !== undefined) {
    out.push(
      ...measureGate(groups, scopeOf, {
        gate: 'min_slo_met_rate',
        limit: gates.min_slo_met_rate,
        bound: 'min',
        // Summaries written before slo_met existed have no rate: unknown.
        value: (g) => g.slo_met_rate ?? null,
        show: formatPercent,
        label: 'SLO met',
        detail: (g) => ` (${g.slo_met}/${g.slo_checked})`,
        unknown: () => 'no ok, uncached job with speed checks and known timings',
      }),
    );
  }
  if (gates.max_p95_ttft_ms !== undefined) {
    out.push(...measureGate(groups, scopeOf, { gate: 'max_p95_ttft_ms', limit: gates.max_p95_ttft_ms, bound: 'max', value: (g) => g.ttft_ms.p95, show: ms, label: 'p95 TTFT', unknown: noOk }));
  }
  if (gates.max_p95_itl_ms !== undefined) {
    out.push(...measureGate(groups, scopeOf, { gate: 'max_p95_itl_ms', limit: gates.max_p95_itl_ms, bound: 'max', value: (g) => g.itl_ms.p95, show: ms, label: 'p95 ITL', unknown: noOk }));
  }
  if (gates.min_p50_output_tps !== undefined) {
    const tps = (v: number) => `${Math.round(v * 10) / 10} tokens/s`;
    out.push(...measureGate(groups, scopeOf, { gate: 'min_p50_output_tps', limit: gates.min_p50_output_tps, bound: 'min', value: (g) => g.output_tps.p50, show: tps, label: 'median output speed', unknown: noOk }));
  }
  return out;
}
