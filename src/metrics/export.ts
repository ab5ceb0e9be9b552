// The two ways in: after a run (its history line, and the history file for the counters) and
// `agent-lab history --export` (the newest run of each suite in the history file).
import type { Env } from '../env.js';
import { EXIT, type ExitCode } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { readHistory, type HistoryEntry } from '../history/history.js';
import { WARN } from '../warnings.js';
import { suiteMetrics, type SuiteMetrics } from './families.js';
import { renderPrometheus } from './prometheus.js';
import { mergeFamilies } from './families.js';
import { publishMetrics, type Published } from './publish.js';
import type { MetricsTargets } from './targets.js';

/** After a run: a failed target is a warning, and the exit code stays the run's. */
export async function exportRun(targets: MetricsTargets, entry: HistoryEntry, historyFile: string | null, env: Env, logger: Logger): Promise<Published> {
  // The line was just appended; if that failed, the counters still include this run.
  const history = historyFile === null ? null : [...(await readHistory(historyFile).catch(() => [])).filter((e) => e.run_id !== entry.run_id), entry];
  const published = await publishMetrics(targets, [suiteMetrics(entry, history)], env, logger);
  if (published.failed.length) logger.warn(WARN.metricsNotSent(published.failed, historyFile !== null));
  return published;
}

/** The newest of `entries` for each suite, its counters over `all` (the whole file, whatever the filter). */
export function latestPerSuite(entries: readonly HistoryEntry[], all: readonly HistoryEntry[]): SuiteMetrics[] {
  const latest = new Map<string, HistoryEntry>();
  for (const entry of entries) latest.set(entry.suite, entry);
  return [...latest.values()].map((entry) => suiteMetrics(entry, all));
}

/**
 * `history --export`: each suite's newest run to the targets, or as Prometheus text on stdout
 * without one. Here delivering is the whole job, so a target that fails is exit 1.
 */
export async function exportHistory(targets: MetricsTargets | null, entries: readonly HistoryEntry[], all: readonly HistoryEntry[], env: Env): Promise<ExitCode> {
  const suites = latestPerSuite(entries, all);
  if (targets === null) {
    env.stdout.write(renderPrometheus(mergeFamilies(suites)));
    return EXIT.ok;
  }
  const logger = createLogger(env.stderr, 'info');
  if (suites.length === 0) logger.warn('metrics: no run in the history matches: nothing to send.');
  const { failed } = suites.length ? await publishMetrics(targets, suites, env, logger) : { failed: [] };
  for (const line of failed) logger.error(`metrics not delivered: ${line}`);
  return failed.length ? EXIT.jobs_failed : EXIT.ok;
}
