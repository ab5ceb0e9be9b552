// What a long command (run, resume) sets up in its own process: Ctrl-C and SIGTERM as abort
// signals in the Env, and a heap that grows less eagerly.
import { setFlagsFromString } from 'node:v8';
import type { Env } from '../env.js';

/**
 * A run makes garbage at a steady rate for as long as it lasts; V8's default lets the heap grow to
 * about 4× what is live before a full collection, which made a 100,000-job run peak at 260 MB with
 * some 60 MB live. Growing by 60 % instead costs ~9 % more CPU (0.03 ms a job) and keeps the peak
 * near what the run holds (bench memory scenario, docs/performance.md).
 */
export function batchHeap(): void {
  setFlagsFromString('--heap-growing-percent=60');
}

/** A second SIGINT sooner than this after the first is the same one, delivered twice. */
const DUPLICATE_SIGINT_MS = 100;

/** First Ctrl-C: stop dispatching and let in-flight jobs finish (aborted after a grace). Second: abort now. */
export function withSignals(env: Env): Env {
  const stop = new AbortController();
  const abort = new AbortController();
  const graceMs = Number(env.env.AGENT_LAB_GRACE_MS ?? 10_000);
  let firstAt = 0;
  process.on('SIGINT', () => {
    if (!stop.signal.aborted) {
      firstAt = performance.now();
      env.stderr.write(`\nStopping: no new jobs; waiting up to ${Math.round(graceMs / 1000)} s for the ones in flight (Ctrl-C again to abort them now).\n`);
      stop.abort();
      setTimeout(() => abort.abort(), graceMs).unref();
    } else if (performance.now() - firstAt >= DUPLICATE_SIGINT_MS) {
      // A sooner one is the same Ctrl-C delivered twice (`timeout -s INT` signals its child, then
      // its whole process group, which holds the child too); nobody presses twice that fast.
      env.stderr.write('\nAborting in-flight jobs; writing what finished.\n');
      abort.abort();
    }
  });
  // SIGTERM is how cron, CI cancels, systemd and `docker stop` end a run, with a SIGKILL soon
  // after: no grace, abort in flight at once, but still flush and write the reports.
  process.on('SIGTERM', () => {
    env.stderr.write('\nTerminated: aborting in-flight jobs; writing what finished.\n');
    stop.abort();
    abort.abort();
  });
  return { ...env, stopSignal: stop.signal, signal: abort.signal };
}
