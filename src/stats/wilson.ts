// Confidence intervals for a proportion. Pass rates in a benchmark come from small n (a task ×
// model × prompt cell often has 3–10 jobs), where the textbook p ± 1.96·√(p(1−p)/n) interval is
// badly wrong (zero width at 0/n or n/n). Wilson's score interval stays inside [0, 1] and keeps
// close to its nominal coverage at small n.

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** Wilson score interval for k successes out of n; null when n is 0 (unknown, not 0 %). */
export function wilson(k: number, n: number, z: number = Z95): [number, number] | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
