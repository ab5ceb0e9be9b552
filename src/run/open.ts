// Stage 2: the run folder. A new run gets a fresh folder; a resumed one is checked against what
// ran there (same suite, same shard) and its journal read so that no finished job is sent again.
// runSuite locks the folder between the two halves. Nothing here sends a chat request.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import Big from 'big.js';
import { chargeEarlierRow, type Budget } from '../money/budget.js';
import { verdictSpend } from '../cache/verdicts.js';
import { attemptCharges } from '../money/charge.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';
import { costKey } from '../store/journal.js';
import { finalRows, scanJournal } from '../store/journal-read.js';
import { alreadyDone } from '../store/resume.js';
import { readWarmup } from '../store/warmup.js';
import { prepareOutDir, RUN_FILE } from '../store/write.js';
import { readRunInfo, runInfo, writeRunInfo, type RunInfo } from '../store/run-info.js';
import { shardLabel } from '../ci/shard.js';
import type { Matrix } from '../config/matrix.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { VERSION } from '../version.js';
import type { ReplayOptions } from './options.js';
import type { RunPlan } from './prepare.js';
import { stamp } from './stamp.js';

export interface OpenedRun {
  runId: string;
  startedAt: string;
  /** run.json as written at the start (finish adds the end). */
  info: RunInfo<ReplayOptions>;
  /** The jobs still to send: all of them, or on resume those without a final row (streamed, like the matrix). */
  todo: Matrix;
  /** Rows of earlier invocations with a billed attempt whose cost is unknown: looked up again, never re-sent. */
  recoverCosts: JobResult[];
  /** Such rows whose costs cannot be looked up: the --mock simulator that served them stopped with its process. */
  lostCosts: JobResult[];
}

/** Refuse a folder that would mix two runs, then make it, before anything is sent. Returns run.json of the run being resumed. */
export async function claimRunDir(plan: RunPlan, env: Env): Promise<RunInfo | null> {
  const { outDir } = plan.paths;
  const previous = plan.resume ? await readRunInfo(outDir) : null;
  // A new run over an old one would drop its journal and leave its compare.md and responses/
  // beside the new results: refuse, before anything is touched.
  if (!plan.resume && existsSync(join(outDir, RUN_FILE))) {
    const where = relative(env.cwd, outDir) || '.';
    throw new ConfigError(`${where} already holds a run (${RUN_FILE}): resume it with \`agent-lab resume ${where}\`, or choose another --out.`);
  }
  if (previous && shardLabel(previous.shard) !== shardLabel(plan.shard)) {
    throw new ConfigError(`${outDir} was run as shard ${shardLabel(previous.shard) ?? '(none)'}, not ${shardLabel(plan.shard) ?? '(none)'}: resume it with the same --shard (agent-lab resume DIR does that for you).`);
  }
  // Simulated answers in a real run's results (or real ones in a simulated run) would make both lie.
  if (previous && Boolean(previous.mock) !== plan.endpoint.simulated) {
    const how = previous.mock ? 'on the built-in simulator (--mock)' : 'against a real endpoint (without --mock)';
    throw new ConfigError(`${outDir} was run ${how}: resume it the same way (agent-lab resume DIR does that for you), or start a new run.`);
  }
  if (previous && previous.suite.sha256 !== plan.suite.sha256 && !plan.resume?.force) {
    throw new ConfigError(`The suite changed since ${outDir} was run (sha256 ${previous.suite.sha256.slice(0, 12)} → ${plan.suite.sha256.slice(0, 12)}). Resuming would mix two suites; pass --force to do it anyway, or start a new run.`);
  }
  await prepareOutDir(outDir);
  return previous;
}

/** Read the journal (under the folder's lock: a second process would send the same jobs again) and write run.json. */
export async function openRun(plan: RunPlan, previous: RunInfo | null, env: Env): Promise<OpenedRun> {
  const { suite, settings, jobs, budget, logger } = plan;
  const { outDir } = plan.paths;
  const journal = plan.resume ? await scanJournal(outDir) : null;
  const retryErrors = plan.resume?.retryErrors ?? false;
  let todo: Matrix = jobs;
  if (journal) {
    // One pass counts what is left, and shows the budget the jobs earlier rows belong to.
    const left = (job: Job) => !alreadyDone(journal, job.job_id, retryErrors);
    let size = 0;
    for await (const job of jobs.jobs()) {
      const sending = left(job);
      if (sending) size++;
      budget?.know(job, journal.last.has(job.job_id));
    }
    todo = {
      size,
      async *jobs() {
        for await (const job of jobs.jobs()) if (left(job)) yield job;
      },
    };
  }
  // On resume the cap covers the whole run folder: what earlier invocations spent counts too,
  // aborted and failed attempts included (they are billed), and an unknown cost at its worst case.
  // Costs are looked up again unless /generation is off, or the --mock simulator that billed them died with its run.
  const recoverable = settings.generation.enabled && !plan.endpoint.simulated;
  const unknown = journal ? await earlierCosts(outDir, budget, recoverable) : [];
  if (journal?.torn) logger.warn(`${journal.torn} torn line(s) in results.jsonl were ignored (an earlier run was killed mid-write).`);

  const runId = previous?.run_id ?? `${stamp(env.date())}-${randomBytes(3).toString('hex')}`;
  const startedAt = previous?.started_at ?? env.date().toISOString();
  const info = runInfo({
    runId,
    startedAt,
    suite,
    settings,
    mock: plan.endpoint.simulated,
    options: plan.replay,
    matrixSize: plan.matrix.size,
    // merge checks coverage against these: the ids this shard was given.
    shard: plan.shard ? { ...plan.shard, job_ids: plan.shardIds ?? [] } : undefined,
    version: VERSION,
  });
  await writeRunInfo(outDir, info);
  logger.info(`agent-lab ${VERSION}: ${suite.name}, ${jobs.size} jobs${journal ? ` (${jobs.size - todo.size} already done)` : ''}, concurrency ${settings.concurrency} → ${relative(env.cwd, outDir) || '.'}`);
  return { runId, startedAt, info, todo, recoverCosts: recoverable ? unknown : [], lostCosts: plan.endpoint.simulated ? unknown : [] };
}

/**
 * Charge what the folder's rows cost to the budget; return the rows whose cost is not known yet
 * (without their text). An unknown cost is held at its worst case while `lookedUp` (the lookup may
 * shrink it), else charged at it.
 */
async function earlierCosts(outDir: string, budget: Budget | null, lookedUp: boolean): Promise<JobResult[]> {
  const unknown: JobResult[] = [];
  let known = new Big(0);
  for await (const row of finalRows(outDir)) {
    budget?.recall(row);
    const charges = attemptCharges(row);
    // A pending row whose stream reported usage.cost is paid for, but its native counts are still to fetch.
    if (charges.unknown.length === 0 && row.cost_source !== 'pending') {
      known = known.plus(charges.known);
      if (budget && charges.unidentified) known = known.plus(budget.worstFor(row).times(charges.unidentified));
      continue;
    }
    unknown.push({ ...row, output_text: '', reasoning_text: '' });
    if (budget) chargeEarlierRow(budget, costKey(row), row, !lookedUp);
  }
  budget?.earlier('', known, new Big(0), true);
  // Earlier warmup requests were paid for too (warmup.jsonl); an unknown cost counts at its worst case.
  if (budget) for (const row of await readWarmup(outDir)) chargeEarlierRow(budget, `warmup:${costKey(row)}`, row, true);
  // So were the judge's verdicts (verdicts/, reused, not asked again); an unknown cost counts at the worst case of any job.
  if (budget) {
    const verdicts = await verdictSpend(outDir);
    const paid = verdicts.known.reduce((sum, usd) => sum.plus(usd), new Big(0));
    budget.earlier('verdicts', paid, budget.worstFor({ job_id: '', model: '' }).times(verdicts.unknown), true);
  }
  return unknown;
}
