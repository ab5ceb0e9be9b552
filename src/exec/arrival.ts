// Pure: when each request of a paced run is due (`--request-rate R`). Constant arrivals are 1/R
// apart; Poisson arrivals have exponential gaps of mean 1/R. Times are on one schedule from the
// first request, so a request held back (by the concurrency cap, by the budget) makes the next
// ones due at once rather than shifting the whole run later: the offered load stays R.

import type { Arrival } from '../types/summary.js';

export interface Pacer {
  /** When the next request is due (the clock's ms); the first is due at the first call. */
  next(): number;
}

/** `random` is uniform in [0, 1), as Math.random; injected so a test can pin the gaps. */
export function createPacer(rate: number, arrival: Arrival, now: () => number, random: () => number): Pacer {
  const mean = 1000 / rate;
  let due: number | null = null;
  return {
    next() {
      if (due === null) return (due = now());
      // 1 − U is in (0, 1]: the log is finite.
      due += arrival === 'constant' ? mean : -Math.log(1 - random()) * mean;
      return due;
    },
  };
}

/** What pacing achieved: requests sent and the rate between the first and the last send. */
export interface SendRecord {
  sent: number;
  first: number | null;
  last: number | null;
}

export function recordSend(record: SendRecord, at: number): void {
  record.sent++;
  record.first ??= at;
  record.last = at;
}

/** Requests per second between the first and the last send; null with fewer than two sends. */
export function achievedRate(record: SendRecord): number | null {
  if (record.sent < 2 || record.first === null || record.last === null || record.last <= record.first) return null;
  return Math.round(((record.sent - 1) / ((record.last - record.first) / 1000)) * 1000) / 1000;
}
