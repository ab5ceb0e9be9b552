// Pure: one spelling per kind of number in every output. Unknowns are the caller's to show (`-`, `?`).

/** USD: 4 decimals from a cent up, 3 significant digits below (a per-job cost of 0.0000123 stays readable); `0` for zero. */
export function formatUsd(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 0.01) return value.toFixed(4);
  return value.toPrecision(3);
}

export const usd = (value: number | null): string => (value === null ? '?' : `$${formatUsd(value)}`);

/** A rate (0–1) as a percentage with at most one decimal: `75%`, `66.7%`. */
export const formatPercent = (rate: number): string => `${tenths(rate * 100)}%`;

export const formatPercentRange = ([low, high]: readonly [number, number]): string => `${formatPercent(low)}–${formatPercent(high)}`;

/** A change, signed, at most one decimal; one that rounds to nothing is `+0`, never `-0`. The caller adds the unit. */
export const formatSigned = (value: number): string => {
  const v = tenths(value);
  return `${v >= 0 ? '+' : ''}${v}`;
};

export const formatMs = (ms: number): string => `${Math.round(ms)} ms`;

/** `+ 0`: no negative zero. */
const tenths = (value: number): number => Math.round(value * 10) / 10 + 0;
