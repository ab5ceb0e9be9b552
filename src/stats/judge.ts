// Pure: the judge's figures of a summary group, kept while rows stream past. A row's sample is
// the mean of its judge scores (rows are the independent units; two rubrics on one answer are
// not two answers). The interval is Student's t on those means, clipped to 0..1.
import Big from 'big.js';
import type { JobResult } from '../types/result.js';
import type { JudgeFigures } from '../types/summary.js';

/** t(0.975, df) for df 1..10; beyond, a Cornish–Fisher expansion (error < 0.002). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
export function t975(df: number): number {
  if (df <= T975.length) return T975[df - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export function createJudgeFigures(): { add(row: JobResult): void; finish(): JudgeFigures } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let errored = 0;
  let cost = new Big(0);
  let costN = 0;
  return {
    add(row) {
      if (row.status !== 'ok') return;
      const checks = row.checks ?? [];
      if (checks.some((c) => c.verdict === 'error')) errored++;
      const scores = checks.map((c) => c.score).filter((s): s is number => typeof s === 'number');
      if (scores.length) {
        // Welford: a running mean and variance without keeping the values.
        const x = scores.reduce((a, b) => a + b, 0) / scores.length;
        n++;
        const d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
      }
      if (typeof row.judge_cost_usd === 'number') {
        cost = cost.plus(row.judge_cost_usd);
        costN++;
      }
    },
    finish() {
      const round = (v: number) => Math.round(v * 10000) / 10000;
      const half = n > 1 ? t975(n - 1) * Math.sqrt(m2 / (n - 1) / n) : null;
      return {
        checks_errored: errored,
        judge_scored: n,
        judge_score: n ? round(mean) : null,
        judge_score_ci95: half === null ? null : [round(Math.max(0, mean - half)), round(Math.min(1, mean + half))],
        judge_cost_usd: costN ? cost.toNumber() : null,
      };
    },
  };
}

/** Subject and judge cost together: what is known of the two; null when neither is. */
export function totalCost(subject: number | null, judge: number | null): number | null {
  if (subject === null && judge === null) return null;
  return new Big(subject ?? 0).plus(judge ?? 0).toNumber();
}
