// A seeded bootstrap interval for a quantile's change: tail quantiles have no closed form without
// assuming a shape, which latency never has. Seeded, so the same two runs give the same verdict.
import { quantile } from './metric-stats.js';

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Central coverage of the interval (default 0.95). */
  level?: number;
  /** Larger samples are first thinned to this many values (seeded), so 100k-job runs stay fast. */
  maxSample?: number;
}

/** quantile_q(current) − quantile_q(baseline); null when either sample is empty. */
export function bootstrapQuantileDiff(baseline: readonly number[], current: readonly number[], q: number, options: BootstrapOptions = {}): [number, number] | null {
  if (baseline.length === 0 || current.length === 0) return null;
  const rand = mulberry32(options.seed ?? 0x5eed);
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const a = sortedSample(baseline, options.maxSample ?? 10_000, rand);
  const b = sortedSample(current, options.maxSample ?? 10_000, rand);
  const countsA = new Uint32Array(a.length);
  const countsB = new Uint32Array(b.length);
  const diffs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) diffs[r] = resampledQuantile(b, countsB, q, rand) - resampledQuantile(a, countsA, q, rand);
  diffs.sort();
  const tail = (1 - level) / 2;
  return [quantile(diffs, tail), quantile(diffs, 1 - tail)];
}

/** Type 7, in O(n) with no sort: walking the draw counts in order finds the two order statistics to interpolate. */
export function resampledQuantile(sorted: Float64Array, counts: Uint32Array, q: number, rand: () => number): number {
  const n = sorted.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[Math.floor(rand() * n)]!++;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  let seen = 0;
  let loValue = NaN;
  for (let i = 0; i < n; i++) {
    seen += counts[i]!;
    if (Number.isNaN(loValue) && seen > lo) loValue = sorted[i]!;
    // seen > hi implies seen > lo, so loValue is set by now.
    if (seen > hi) return loValue + (sorted[i]! - loValue) * (pos - lo);
  }
  return loValue;
}

/** Thinned to `max` without replacement (partial Fisher-Yates) when larger. */
function sortedSample(values: readonly number[], max: number, rand: () => number): Float64Array {
  if (values.length <= max) return Float64Array.from(values).sort();
  const copy = [...values];
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rand() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return Float64Array.from(copy.slice(0, max)).sort();
}

export function mean(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total / values.length;
}

/** Small, fast and seedable; enough for resampling. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
