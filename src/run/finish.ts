// Stage 4: the results are final. Fold the journal into results.jsonl/csv, print the table,
// judge the gates, write summary.json and run.json (once each), then the extras (report.html,
// history, --baseline) and the CI files — and one exit code for all of it (gates.ts exitCodeFor).
import { relative } from 'node:path';
import { afterRun } from './after.js';
import { suiteGroupOrder } from '../stats/aggregate.js';
import { applyGates, writeCiFiles } from '../ci/output.js';
import type { Env } from '../env.js';
import { createPlanner, estimateSummary } from '../money/plan.js';
import { judgeEstimates } from '../money/judge-estimate.js';
import { rowChecks } from '../config/row-checks.js';
import { exitCodeFor } from '../ci/gates.js';
import { renderSummaryTable } from '../render/table.js';
import { finalize, writeSummary } from '../store/write.js';
import { endedRunInfo, writeRunInfo } from '../store/run-info.js';
import { shardLabel } from '../ci/shard.js';
import { WARN } from '../warnings.js';
import type { Executed } from './execute.js';
import { judgeRun } from './judge.js';
import { runCodeCheck } from '../checks/code.js';
import type { OpenedRun } from './open.js';
import type { RunReport } from './options.js';
import type { RunPlan } from './prepare.js';
import type { Settings } from '../config/settings.js';
import { achievedRate, type SendRecord } from '../exec/arrival.js';
import { readWarmup, warmupSummary } from '../store/warmup.js';
import { endpointFigures } from './endpoint-figures.js';
import type { RunSummary } from '../types/summary.js';

/** The paced rate next to its target, and the warmup's requests and spend: the last keys of summary.json. */
async function loadFigures(settings: Settings, sends: SendRecord | null, outDir: string): Promise<Pick<RunSummary, 'load' | 'warmup'>> {
  const load = settings.request_rate !== null && sends ? { target_rps: settings.request_rate, arrival: settings.arrival, sent: sends.sent, achieved_rps: achievedRate(sends) } : undefined;
  const warmup = settings.warmup > 0 ? warmupSummary(await readWarmup(outDir)) : undefined;
  return { ...(load ? { load } : {}), ...(warmup ? { warmup } : {}) };
}

export async function finishRun(plan: RunPlan, opened: OpenedRun, executed: Executed, env: Env): Promise<RunReport> {
  const { suite, settings, logger, budget, catalog, estimate, jobs } = plan;
  const { outDir } = plan.paths;
  const { outcome, skipped } = executed;
  const where = relative(env.cwd, outDir) || '.';
  if (outcome.stopReason) logger.error(outcome.stopReason);
  if (budget && outcome.status === 'budget') logger.warn(WARN.budgetStopped(budget.spent().toString(), String(settings.max_cost), skipped.size));

  // Estimate vs actual, over the jobs that were sent (the skipped and the cached ones cost nothing).
  let sentPlan = estimate;
  if (estimate && (skipped.size || executed.cached.size)) {
    const planner = createPlanner(catalog!.pricingOf, plan.expectTokens, env.date(), (job) => judgeEstimates(job, catalog!.pricingOf, plan.expectTokens, env.date()));
    for await (const job of jobs.jobs()) if (!skipped.has(job.job_id) && !executed.cached.has(job.job_id)) planner.add(job);
    sentPlan = planner.finish();
  }
  // The judge pass, once every answer is in: its verdicts are read by finalize's checks.
  const judged = await judgeRun(plan, env, executed.fresh);
  if (judged?.status === 'budget' && outcome.status === 'ok') {
    logger.warn('the cost cap kept some judge requests back: their checks have an error verdict');
    outcome.status = 'budget';
  }
  const finishedAt = env.date().toISOString();
  const finalized = await finalize(
    outDir,
    {
      run_id: opened.runId,
      suite: suite.name,
      started_at: opened.startedAt,
      finished_at: finishedAt,
      status: outcome.status,
      throttles: outcome.throttles,
      estimate: sentPlan ? estimateSummary(sentPlan) : undefined,
    },
    { checksFor: rowChecks(suite, plan.tasks), verdicts: judged?.verdicts, pairwise: judged?.pairwise, code: runCodeCheck, canonical: catalog?.canonical, groupOrder: suiteGroupOrder(suite), fresh: executed.fresh },
  );
  const endpoints = await endpointFigures(plan, new Set(finalized.groups.map((g) => g.model_label)), env);
  const summary = { ...finalized, ...(await loadFigures(settings, outcome.sends, outDir)), ...(endpoints ? { endpoints } : {}) };
  env.stdout.write(renderSummaryTable(summary));
  const gateResults = applyGates(summary, plan.gates, env);
  await writeSummary(outDir, summary);
  await writeRunInfo(outDir, endedRunInfo(opened.info, { status: outcome.status, finished_at: finishedAt, throttles: outcome.throttles }));
  const shardNote = plan.shard ? `shard ${shardLabel(plan.shard)}` : undefined;
  env.stdout.write(`results: ${where}${shardNote ? ` (${shardNote}: ${jobs.size} of ${plan.matrix.size} jobs)` : ''}\n`);
  // `agent-lab resume DIR` reads run.json, so the filters, params and flags of this run come back too.
  if (outcome.status === 'interrupted') env.stderr.write(`Interrupted. Resume with: agent-lab resume ${where}\n`);
  if (outcome.status === 'stopped') env.stderr.write(`When that is fixed, resume with: agent-lab resume ${where}\n`);

  // report.html, the history line and the --baseline comparison (whose gate can make it exit 3).
  const { gate } = await afterRun(plan.after, { outDir, summary, suiteSha256: suite.sha256, mock: plan.endpoint.simulated }, env, logger);
  const gateFailed = gate === 'fail';
  // A baseline that shares no group with this run checked nothing: unknown, like an unmeasured gate.
  const baselineGate = gate === 'fail' || gate === 'unknown' ? [{ status: gate }] : [];
  const exitCode = exitCodeFor(outcome.status, summary, [...gateResults, ...baselineGate]);
  const note = gateFailed ? `${shardNote ? `${shardNote} · ` : ''}baseline comparison failed (compare.md)` : shardNote;
  await writeCiFiles({ outDir, summary, gates: gateResults, junit: plan.paths.junit ?? undefined, exitCode, note }, env, logger);
  return { exitCode, status: outcome.status, outDir, summary, plan: estimate };
}
