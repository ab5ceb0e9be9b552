// What a long command (run, resume) sets up in its own process: Ctrl-C, SIGTERM and SIGHUP as
// abort signals in the Env, and a heap that grows less eagerly.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { MAX_TIMER_MS } from '../config/schema.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';

/**
 * A run makes garbage at a steady rate for as long as it lasts; V8's default lets the heap grow to
 * about 4× what is live before a full collection, which made a 100,000-job run peak at 260 MB with
 * some 60 MB live. Growing by 60 % instead costs ~9 % more CPU (0.03 ms a job) and keeps the peak
 * near what the run holds (bench memory scenario, docs/performance.md).
 */
export function batchHeap(): void {
  setFlagsFromString('--heap-growing-percent=60');
  capYoungGeneration();
}

/** Young generation (both semi-spaces) a run may grow to: V8's default is 32 MB. */
const YOUNG_CAP_BYTES = 16 * 1024 * 1024;

/**
 * V8 doubles the young generation while a run's garbage keeps surviving, up to 2 × 16 MB, all of
 * it resident. --max-semi-space-size only works on node's command line, but the growth factor is
 * read at each growth: once the young generation reaches 16 MB it stops growing. Measured at
 * 20,000 jobs: the same CPU as 32 MB (a 4 MB cap costs 25 % more); 16 MB less RSS.
 */
function capYoungGeneration(): void {
  const timer = setInterval(() => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (!young || young.space_size < YOUNG_CAP_BYTES) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(timer);
  }, 250);
  timer.unref();
}

/** A second SIGINT sooner than this after the first is the same one, delivered twice. */
const DUPLICATE_SIGINT_MS = 100;

/** The grace a first Ctrl-C gives in-flight jobs: AGENT_LAB_GRACE_MS, else 10 s. */
export function graceMs(env: Record<string, string | undefined>): number {
  const raw = env.AGENT_LAB_GRACE_MS;
  if (raw === undefined || raw.trim() === '') return 10_000;
  const ms = Number(raw);
  // A timer cannot wait longer: a bigger value would abort the jobs at once.
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIMER_MS) throw new ConfigError(`AGENT_LAB_GRACE_MS must be a whole number of ms from 0 to ${MAX_TIMER_MS}, not ${JSON.stringify(raw)}.`);
  return ms;
}

/** `300 ms`, `1.5 s`, `10 s`: a grace as the terminal says it, never rounded down to "0 s". */
export const graceText = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

/** First Ctrl-C: stop dispatching and let in-flight jobs finish (aborted after a grace). Second: abort now. */
export function withSignals(env: Env): Env {
  const stop = new AbortController();
  const abort = new AbortController();
  const grace = graceMs(env.env);
  let firstAt = 0;
  process.on('SIGINT', () => {
    if (!stop.signal.aborted) {
      firstAt = performance.now();
      env.stderr.write(`\nStopping: no new jobs; waiting up to ${graceText(grace)} for the ones in flight (Ctrl-C again to abort them now).\n`);
      stop.abort();
      setTimeout(() => abort.abort(), grace).unref();
    } else if (performance.now() - firstAt >= DUPLICATE_SIGINT_MS) {
      // A sooner one is the same Ctrl-C delivered twice (`timeout -s INT` signals its child, then
      // its whole process group, which holds the child too); nobody presses twice that fast.
      env.stderr.write('\nAborting in-flight jobs; writing what finished.\n');
      abort.abort();
    }
  });
  // SIGTERM is how cron, CI cancels, systemd and `docker stop` end a run, with a SIGKILL soon
  // after: no grace, abort in flight at once, but still flush and write the reports.
  const terminate = (why: string) => () => {
    env.stderr.write(`\n${why}: aborting in-flight jobs; writing what finished.\n`);
    stop.abort();
    abort.abort();
  };
  process.on('SIGTERM', terminate('Terminated'));
  // A closed terminal or SSH session: the same, and what is printed may have nowhere to go, so a
  // failed write to it must not end the process before the reports are written.
  process.on('SIGHUP', () => {
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    terminate('Hang-up (the terminal closed)')();
  });
  return { ...env, stopSignal: stop.signal, signal: abort.signal };
}
