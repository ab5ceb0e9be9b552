// Stage 4: the results are final. Fold the journal into results.jsonl/csv and summary.json,
// print the table, judge the gates, then the extras (report.html, history, --baseline) and the CI
// files — and one exit code for all of it (gates.ts exitCodeFor).
import { join, relative } from 'node:path';
import { afterRun } from './after.js';
import { suiteGroupOrder } from '../stats/aggregate.js';
import { applyGates, writeCiFiles } from '../ci/output.js';
import type { Env } from '../env.js';
import { buildPlan, estimateSummary } from '../money/estimate.js';
import { exitCodeFor } from '../ci/gates.js';
import { renderSummaryTable } from '../render/table.js';
import { finalize, RUN_FILE, writeAtomic } from '../store/write.js';
import { shardLabel } from '../ci/shard.js';
import { WARN } from '../warnings.js';
import type { RunOptions, RunReport } from './index.js';
import type { Executed } from './execute.js';
import type { OpenedRun } from './open.js';
import type { PreparedRun } from './prepare.js';

export async function finishRun(run: PreparedRun, opened: OpenedRun, executed: Executed, options: RunOptions, env: Env): Promise<RunReport> {
  const { suite, settings, logger, budget, catalog, plan, jobs } = run;
  const { outDir, runId, startedAt, info } = opened;
  const { outcome, skipped } = executed;
  const where = relative(env.cwd, outDir) || '.';
  if (outcome.stopReason) logger.error(outcome.stopReason);
  if (budget && outcome.status === 'budget') logger.warn(WARN.budgetStopped(budget.spent().toString(), String(settings.max_cost), skipped.length));

  // Estimate vs actual, over the jobs that were sent (the skipped ones cost nothing).
  const skippedIds = new Set(skipped.map((j) => j.job_id));
  const sentPlan = plan && skipped.length ? buildPlan(jobs.filter((j) => !skippedIds.has(j.job_id)), catalog!.pricingOf, run.expectTokens, env.date()) : plan;
  const checksByTask = new Map(suite.tasks.map((task) => [task.id, task.checks]));
  const summary = await finalize(
    outDir,
    {
      run_id: runId,
      suite: suite.name,
      started_at: startedAt,
      finished_at: env.date().toISOString(),
      status: outcome.status,
      throttles: outcome.throttles,
      estimate: sentPlan ? estimateSummary(sentPlan) : undefined,
    },
    { checksFor: (row) => checksByTask.get(row.task_id), canonical: catalog?.canonical, groupOrder: suiteGroupOrder(suite) },
  );
  await writeAtomic(join(outDir, RUN_FILE), JSON.stringify({ ...info, status: outcome.status, finished_at: summary.finished_at, throttles: outcome.throttles }, null, 2) + '\n');
  env.stdout.write(renderSummaryTable(summary));
  const gateResults = await applyGates(outDir, summary, run.gates, env);
  env.stdout.write(`results: ${where}${options.shard ? ` (shard ${shardLabel(options.shard)}: ${jobs.length} of ${run.matrix.length} jobs)` : ''}\n`);
  // `agent-lab resume DIR` reads run.json, so the filters, params and flags of this run come back too.
  if (outcome.status === 'interrupted') env.stderr.write(`Interrupted. Resume with: agent-lab resume ${where}\n`);
  if (outcome.status === 'stopped') env.stderr.write(`When that is fixed, resume with: agent-lab resume ${where}\n`);

  // report.html, the history line and the --baseline comparison (whose gate can make it exit 3).
  const { gate } = await afterRun(run.after, { outDir, summary, suiteSha256: suite.sha256, mock: Boolean(options.mock) }, env, logger);
  const gateFailed = gate === 'fail';
  // A baseline that shares no group with this run checked nothing: unknown, like an unmeasured gate.
  const baselineGate = gate === 'fail' || gate === 'unknown' ? [{ status: gate }] : [];
  const exitCode = exitCodeFor(outcome.status, summary, [...gateResults, ...baselineGate]);
  const shardNote = options.shard ? `shard ${shardLabel(options.shard)}` : undefined;
  const note = gateFailed ? `${shardNote ? `${shardNote} · ` : ''}baseline comparison failed (compare.md)` : shardNote;
  await writeCiFiles({ outDir, summary, gates: gateResults, junit: options.junit, exitCode, note }, env, logger);
  await opened.unlock();
  return { exitCode, status: outcome.status, outDir, summary, plan };
}
