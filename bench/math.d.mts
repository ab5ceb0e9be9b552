// Types for math.mjs, so test/bench-math.test.ts type-checks against it.
export interface Spread {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}
export function percentile(values: readonly number[], q: number): number | null;
export function spread(values: readonly number[]): Spread;
export function idealMs(jobs: number, concurrency: number, serverMsPerRequest: number): number;
export function mean(values: readonly number[]): number | null;
export interface TimedRow {
  job_id: string;
  generation_id: string | null;
  ttft_ms: number | null;
  latency_ms: number | null;
}
export interface ServerEntry {
  job: string | null;
  generation_id: string | null;
  received_at: number;
  first_token_at: number | null;
  end_at: number | null;
}
export function timingErrors(rows: readonly TimedRow[], serverLog: readonly ServerEntry[]): { ttft: Spread; latency: Spread; unmatched: number };
export function bytesPerJob(small: { jobs: number; maxRssKiB: number }, large: { jobs: number; maxRssKiB: number }): number | null;
