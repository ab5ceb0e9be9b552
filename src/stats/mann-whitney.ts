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
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  const n = all.length;
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && all[j + 1]!.v === all[i]!.v) j++;
    // Tied values share the mean of the ranks they span (1-based ranks i+1 … j+1).
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if (all[k]!.first) rankSum += rank;
    i = j + 1;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { u, p: null };
  const z = (Math.abs(u - mu) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalSf(Math.max(0, z))) };
}
