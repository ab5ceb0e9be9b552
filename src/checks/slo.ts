// Pure: the speed checks are a service-level objective, not a verdict on the answer. They are
// counted in a row's `slo_met`, apart from `passed` (the quality checks), so a slow provider no
// longer reads as a wrong answer. An unknown figure — a cache hit (this run timed nothing), a
// non-streamed row's TTFT or ITL — neither meets nor misses the SLO: it is null, never a pass.
import type { CheckSpec } from '../types/job.js';
import type { JobResult } from '../types/result.js';

/** The check kinds that measure speed: counted in slo_met, not in the quality pass rate. */
export const SPEED_KINDS = ['max_latency_ms', 'max_ttft_ms', 'min_output_tps', 'max_itl_ms'] as const;
export type SpeedKind = (typeof SPEED_KINDS)[number];

export const isSpeedCheck = (spec: CheckSpec): spec is CheckSpec & { kind: SpeedKind; limit: number } => (SPEED_KINDS as readonly string[]).includes(spec.kind);

/** The row fields the SLO reads. */
export type SloRow = Pick<JobResult, 'status' | 'cache_hit' | 'latency_ms' | 'ttft_ms' | 'itl_ms' | 'output_tps'>;

/**
 * true: every speed check met on a measured figure; false: one missed on a measured figure
 * (known even when another figure is unknown); null: no speed check, a row that did not finish
 * ok, a cache hit, or a figure the row does not have.
 */
export function sloMet(specs: readonly CheckSpec[], row: SloRow): boolean | null {
  if (row.status !== 'ok' || row.cache_hit) return null;
  let verdict: boolean | null = null;
  let unknown = false;
  for (const spec of specs) {
    if (!isSpeedCheck(spec)) continue;
    const value = row[FIGURE[spec.kind]];
    if (value === null) {
      unknown = true;
      continue;
    }
    if (spec.kind === 'min_output_tps' ? value < spec.limit : value > spec.limit) return false;
    verdict = true;
  }
  return unknown ? null : verdict;
}

const FIGURE = { max_latency_ms: 'latency_ms', max_ttft_ms: 'ttft_ms', min_output_tps: 'output_tps', max_itl_ms: 'itl_ms' } as const satisfies Record<SpeedKind, keyof SloRow>;
