// Stage 2: the run folder. A new run gets a fresh folder; a resumed one is checked against what
// ran there (same suite, same shard), locked against a second process, and its journal read so
// that no finished job is sent again. Nothing here sends a chat request.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Big from 'big.js';
import { chargeOf } from '../money/budget.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';
import { finalRows, scanJournal } from '../store/journal.js';
import { lockRunDir } from '../store/lock.js';
import { alreadyDone, pendingCostRows } from '../store/resume.js';
import { prepareOutDir, RUN_FILE, writeAtomic } from '../store/write.js';
import { readRunInfo, runInfo, type Invocation, type RunInfo } from '../store/run-info.js';
import { shardLabel } from '../ci/shard.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { VERSION } from '../version.js';
import type { RunOptions } from './index.js';
import { stamp } from './stamp.js';
import type { PreparedRun } from './prepare.js';

export interface OpenedRun {
  outDir: string;
  runId: string;
  startedAt: string;
  /** run.json as written at the start (status and end are added at the end). */
  info: RunInfo;
  /** The jobs still to send: all of them, or on resume those without a final row. */
  todo: Job[];
  /** Rows of a killed run whose cost was still pending: looked up again, never re-sent. */
  recoverCosts: JobResult[];
  unlock: () => Promise<void>;
}

export async function openRun(run: PreparedRun, options: RunOptions, env: Env): Promise<OpenedRun> {
  const { suite, settings, jobs, budget, logger } = run;
  const outDir = resolve(env.cwd, options.resume ?? options.out ?? join(settings.output_dir, suite.name, stamp(env.date())));
  const previous = options.resume ? await readRunInfo(outDir) : null;
  // A new run over an old one would drop its journal and leave its compare.md and responses/
  // beside the new results: refuse, before anything is touched.
  if (!options.resume && existsSync(join(outDir, RUN_FILE))) {
    const where = relative(env.cwd, outDir) || '.';
    throw new ConfigError(`${where} already holds a run (${RUN_FILE}): resume it with \`agent-lab resume ${where}\`, or choose another --out.`);
  }
  if (previous && shardLabel(previous.shard) !== shardLabel(options.shard)) {
    throw new ConfigError(`${outDir} was run as shard ${shardLabel(previous.shard) ?? '(none)'}, not ${shardLabel(options.shard) ?? '(none)'}: resume it with the same --shard (agent-lab resume DIR does that for you).`);
  }
  // Simulated answers in a real run's results (or real ones in a simulated run) would make both lie.
  if (previous && Boolean(previous.mock) !== Boolean(options.mock)) {
    const how = previous.mock ? 'on the built-in simulator (--mock)' : 'against a real endpoint (without --mock)';
    throw new ConfigError(`${outDir} was run ${how}: resume it the same way (agent-lab resume DIR does that for you), or start a new run.`);
  }
  if (previous && previous.suite.sha256 !== suite.sha256 && !options.force) {
    throw new ConfigError(`The suite changed since ${outDir} was run (sha256 ${previous.suite.sha256.slice(0, 12)} → ${suite.sha256.slice(0, 12)}). Resuming would mix two suites; pass --force to do it anyway, or start a new run.`);
  }
  await prepareOutDir(outDir);
  // Before the journal is read: a second process on this folder would send the same jobs again.
  const unlock = await lockRunDir(outDir);
  const journal = options.resume ? await scanJournal(outDir) : null;
  const todo = journal ? jobs.filter((job) => !alreadyDone(journal, job.job_id, Boolean(options.retryErrors))) : jobs;
  // On resume the cap covers the whole run folder: what earlier invocations spent counts too.
  if (budget && journal) budget.charge(await spentIn(outDir));
  const rerun = new Set(todo.map((job) => job.job_id));
  const recoverCosts = journal && settings.generation.enabled ? await pendingCostRows(outDir, (id) => rerun.has(id)) : [];
  if (journal?.torn) logger.warn(`${journal.torn} torn line(s) in results.jsonl were ignored (an earlier run was killed mid-write).`);

  const runId = previous?.run_id ?? `${stamp(env.date())}-${randomBytes(3).toString('hex')}`;
  const startedAt = previous?.started_at ?? env.date().toISOString();
  const invocation = invocationOf({ ...options, junit: options.junit && resolve(env.cwd, options.junit) }, run.configPath);
  const info: RunInfo = {
    ...runInfo({ runId, startedAt, suite, settings, options, jobs: run.matrix.length, version: VERSION, invocation }),
    // merge checks coverage against these: the ids this shard was given.
    ...(options.shard ? { shard: { ...options.shard, job_ids: jobs.map((job) => job.job_id) } } : {}),
  };
  await writeAtomic(join(outDir, RUN_FILE), JSON.stringify({ ...info, status: 'running' }, null, 2) + '\n');
  logger.info(`agent-lab ${VERSION}: ${suite.name}, ${jobs.length} jobs${journal ? ` (${jobs.length - todo.length} already done)` : ''}, concurrency ${settings.concurrency} → ${relative(env.cwd, outDir) || '.'}`);
  return { outDir, runId, startedAt, info, todo, recoverCosts, unlock };
}

/** What `agent-lab resume` needs, beyond run.json's suite, filter and params, to run this command again. */
function invocationOf(options: RunOptions, configPath: string | null): Invocation {
  const { baseUrl: base_url, concurrency, maxCost: max_cost, logLevel: log_level } = options;
  const ci = { ...(options.gates && Object.keys(options.gates).length ? { gates: options.gates } : {}), ...(options.junit ? { junit: options.junit } : {}) };
  const money = { ...(options.strictParams ? { strict_params: true as const } : {}), ...(options.preflight === false ? { preflight: false as const } : {}) };
  return { config_path: configPath, base_url, concurrency, max_cost, log_level, save_responses: Boolean(options.saveResponses), ...ci, ...money };
}

/** What the rows already in a run folder cost (the largest known figure of each), for a resumed budget. */
async function spentIn(outDir: string): Promise<Big> {
  let total = new Big(0);
  for await (const row of finalRows(outDir)) total = total.plus(chargeOf(row, new Big(0)));
  return total;
}
