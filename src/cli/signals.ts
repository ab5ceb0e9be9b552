// What run and resume set up in their process: signals as aborts in the Env, and a heap that grows less eagerly.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { MAX_TIMER_MS } from '../config/schema.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';

/** V8 set for a long batch's memory (docs/performance.md): its default heap growth let a 100,000-job run peak at 260 MB, ~60 MB live (60 %: ~9 % more CPU, peak near live); a young-generation cap; no background recompile of the wasm parser. */
export function batchHeap(): void {
  setFlagsFromString('--heap-growing-percent=60');
  // undici's HTTP parser is WebAssembly: V8's optimizing tier recompiles it in the background once
  // it is hot, holding ~30 MB for ~300 ms (RSS 94–97 → 122–126 MB about 1.5 s into a run).
  // Its baseline code parses a few hundred bytes a chunk; set before the first connection compiles it.
  setFlagsFromString('--liftoff-only');
  capYoungGeneration();
}

export const YOUNG_CAP_BYTES = 8 * 1024 * 1024;

/**
 * --max-semi-space-size works only on node's command line. At 20,000 jobs, a 16 MB cap: same CPU as 32 MB, 16 MB less RSS.
 * At 100,000 (bench memory, cold/warm): 16 MB peaked at 130/132 MB RSS for 0.72/0.82 ms CPU a job, 8 MB at 118/125 MB for
 * 0.69/0.76, 4 MB at 122/128 for 0.90/0.82: 8 MB.
 * Looked at after every collection: a 250 ms timer let the first wave double it once more, to 32 MB, in about one run of three.
 * V8 13 (Node 24) sizes its young generation its own way: there the factor only slows its growth (~17–40 MB, not 128).
 */
function capYoungGeneration(): void {
  const observer = new PerformanceObserver(() => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (!young || young.space_size < YOUNG_CAP_BYTES) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
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
      // A sooner one is `timeout -s INT` signalling the child, then its process group.
      env.stderr.write('\nAborting in-flight jobs; writing what finished.\n');
      abort.abort();
    }
  });
  // SIGTERM (cron, CI cancel, systemd, `docker stop`) has a SIGKILL soon after: no grace.
  const terminate = (why: string) => () => {
    env.stderr.write(`\n${why}: aborting in-flight jobs; writing what finished.\n`);
    stop.abort();
    abort.abort();
  };
  process.on('SIGTERM', terminate('Terminated'));
  // A closed terminal: a failed write to it must not end the process before the reports are written.
  process.on('SIGHUP', () => {
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    terminate('Hang-up (the terminal closed)')();
  });
  return { ...env, stopSignal: stop.signal, signal: abort.signal };
}
