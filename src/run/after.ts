// What happens once a run's results are final: report.html and responses.md in the run folder, one line in the
// history file, and — with --baseline — the comparison (compare.md, the table, the gate). Each
// is a separate concern with its own file; this only puts them in order for finish.ts.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';
import { parseFailOn, type FailRule } from '../compare/fail-on.js';
import { appendHistory, HISTORY_FILE, historyEntry } from '../history/history.js';
import type { CompareVerdict } from '../compare/compare.js';
import type { Logger } from '../log.js';
import { metricsTargets, type MetricsTargets } from '../metrics/targets.js';
import type { RunSummary } from '../types/summary.js';
import type { AfterRunOptions, MetricsOptions } from './options.js';

export interface AfterRunPlan {
  baseline: string | null;
  rules: FailRule[];
  history: string | null;
  /** --metrics-file, --pushgateway, --otlp; null when none is given. */
  metrics: MetricsTargets | null;
}

/** Check the options before anything is sent: a bad --fail-on or a missing baseline is exit 2. */
export function planAfterRun(options: AfterRunOptions & MetricsOptions, env: Pick<Env, 'cwd' | 'env'>, outputDir: string): AfterRunPlan {
  const { cwd } = env;
  if (options.failOn !== undefined && options.baseline === undefined) throw new ConfigError('`--fail-on` needs `--baseline DIR` on `run` (or use `agent-lab compare`).');
  const rules = options.failOn === undefined ? [] : parseFailOn(options.failOn);
  const baseline = options.baseline === undefined ? null : resolve(cwd, options.baseline);
  if (baseline !== null && !existsSync(baseline)) throw new ConfigError(`The baseline ${options.baseline} does not exist: expected a run folder or a summary.json file.`);
  const history = options.history === false ? null : resolve(cwd, options.history ?? join(outputDir, HISTORY_FILE));
  return { baseline, rules, history, metrics: metricsTargets(options, cwd, env.env) };
}

/** Returns the baseline gate's verdict (`none` without --baseline). Failures to write the extras are warnings: the results are safe already. */
export async function afterRun(plan: AfterRunPlan, run: { outDir: string; summary: RunSummary; suiteSha256: string; mock: boolean }, env: Env, logger: Logger): Promise<{ gate: CompareVerdict }> {
  const { writeRunReportsOrWarn } = await import('../store/report-html.js');
  await writeRunReportsOrWarn(run.outDir, run.summary, { baseline: plan.baseline }, logger);
  const entry = historyEntry(run.summary, { suite_sha256: run.suiteSha256, dir: plan.history ? relative(dirname(plan.history), run.outDir) : run.outDir, mock: run.mock });
  if (plan.history) {
    try {
      await appendHistory(plan.history, entry);
    } catch (error) {
      logger.warn(`Could not append to the history file ${plan.history}: ${(error as Error).message}`);
    }
  }
  // From the history line, so a run and `history --export` send the same numbers.
  if (plan.metrics) await (await import('../metrics/export.js')).exportRun(plan.metrics, entry, plan.history, env, logger);
  if (!plan.baseline) return { gate: 'none' };
  const [{ compareAndWrite }, { renderCompareTable }, { compareVerdict }, { appendStepSummary }] = await Promise.all([import('../compare/write.js'), import('../compare/table.js'), import('../compare/compare.js'), import('../store/step-summary.js')]);
  const { comparison, file, markdown } = await compareAndWrite({ baseline: plan.baseline, current: run.outDir, rules: plan.rules, cwd: env.cwd });
  env.stdout.write(`\n${renderCompareTable(comparison)}compare: ${relative(env.cwd, file) || file}\n`);
  const problem = await appendStepSummary(env.env, markdown);
  if (problem) logger.warn(problem);
  return { gate: compareVerdict(comparison) };
}
