// The Mann-Whitney U test (Wilcoxon rank-sum): do two samples come from the same distribution,
// or is one shifted? It uses ranks only, so one slow outlier — common in latency — cannot carry
// the verdict the way it would in a t-test. Large-sample normal approximation with the tie
// correction and a continuity correction: the same numbers as scipy.stats.mannwhitneyu with
// method='asymptotic' (its default for samples with ties or n > 8).
import { normalSf } from './normal.js';

export interface MannWhitney {
  /** U of the first sample: how many (a, b) pairs have a > b, ties counting half. */
  u: number;
  /** Two-sided p-value; null when a sample is empty or every value is tied. */
  p: number | null;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: 0, p: null };
  // Walk both sorted samples together: each run of equal values shares the mean of the ranks it
  // spans, and adds t³ − t to the tie correction.
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  const n = n1 + n2;
  let rankSum = 0;
  let tieTerm = 0;
  let placed = 0;
  for (let i = 0, j = 0; i < n1 || j < n2; ) {
    const v = j >= n2 || (i < n1 && sa[i]! <= sb[j]!) ? sa[i]! : sb[j]!;
    let ta = 0;
    let tb = 0;
    while (i < n1 && sa[i] === v) {
      i++;
      ta++;
    }
    while (j < n2 && sb[j] === v) {
      j++;
      tb++;
    }
    const t = ta + tb;
    // 1-based ranks placed+1 … placed+t.
    rankSum += ta * (placed + (t + 1) / 2);
    tieTerm += t ** 3 - t;
    placed += t;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, p: null };
  const z = (Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalSf(Math.max(0, z))) };
}
