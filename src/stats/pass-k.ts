// Pure: the unbiased estimators of a task's consistency from n attempts with c passes (Chen et
// al. 2021, "Evaluating Large Language Models Trained on Code"; τ-bench's pass^k). Both draw k of
// the n attempts without replacement: rate^k would treat three passes out of three as certain.

/** pass@k = 1 − C(n−c, k)/C(n, k): the chance that at least one of k attempts passes; null when k > n. */
export function passAtK(n: number, c: number, k: number): number | null {
  if (!valid(n, c, k)) return null;
  if (n - c < k) return 1;
  // The product form of the ratio: no factorials, so no overflow at large n.
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return round(1 - fail);
}

/** pass^k = C(c, k)/C(n, k): the chance that all of k attempts pass; null when k > n. */
export function passHatK(n: number, c: number, k: number): number | null {
  if (!valid(n, c, k)) return null;
  let all = 1;
  for (let i = 0; i < k; i++) all *= (c - i) / (n - i);
  return round(Math.max(0, all));
}

const valid = (n: number, c: number, k: number) => Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k) && k >= 1 && k <= n && c >= 0 && c <= n;

/** Six decimals: a summary figure, not a float's last bits. */
const round = (v: number) => Math.round(v * 1e6) / 1e6;
