// `agent-lab merge`: shards as one run folder through a run's finalize; a clash refuses (exit 2), a gap exits 1.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { suiteGroupOrder } from '../stats/aggregate.js';
import { applyGates, writeCiFiles } from './output.js';
import type { Env } from '../env.js';
import { ConfigError, EXIT, type ExitCode } from '../errors.js';
import { exitCodeFor, mergeGates, type Gates } from './gates.js';
import { assertGatesMeasurable } from './gate-needs.js';
import type { CheckSpec } from '../types/job.js';
import { createLogger, type Logger } from '../log.js';
import { RESULTS_FILE } from '../store/journal.js';
import { finalRows } from '../store/journal-read.js';
import { renderSummaryTable } from '../render/table.js';
import { finalize, prepareOutDir, RUN_FILE, writeAtomicStream, writeSummary, type FinalizeOptions } from '../store/write.js';
import { loadSuite } from '../config/load.js';
import { resolveSuite } from '../config/resolve.js';
import { rowChecks } from '../config/row-checks.js';
import { scanTasks } from '../config/tasks.js';
import { ConfigSchema } from '../config/schema.js';
import { readRunInfo, writeRunInfo, type RunInfo } from '../store/run-info.js';
import { coverage, shardLabel, type Coverage } from './shard.js';
import { mergeInputs } from './merge-inputs.js';
import { readWarmup, warmupSummary } from '../store/warmup.js';
import type { RunStatus, RunSummary } from '../types/summary.js';
import { VERSION } from '../version.js';

export interface MergeOptions {
  dirs: string[];
  out: string;
  gates?: Gates;
  junit?: string;
}

export interface MergeReport {
  exitCode: ExitCode;
  outDir: string;
  summary: RunSummary;
  coverage: Coverage;
}

export async function mergeCommand(options: MergeOptions, env: Env): Promise<ExitCode> {
  return (await mergeRuns(options, env)).exitCode;
}

export async function mergeRuns(options: MergeOptions, env: Env): Promise<MergeReport> {
  const logger = createLogger(env.stderr, 'info');
  const outDir = resolve(env.cwd, options.out);
  const { dirs, skipped } = await mergeInputs(options.dirs, env.cwd, outDir);
  const names = (list: string[]) => list.map((d) => relative(env.cwd, d) || d).join(', ');
  logger.info(`merging ${dirs.length} run folder(s): ${names(dirs)}${skipped.length ? ` (not the earlier merge(s) ${names(skipped)})` : ''}`);
  const infos: RunInfo[] = [];
  for (const dir of dirs) {
    if (!existsSync(join(dir, RUN_FILE))) throw new ConfigError(`${relative(env.cwd, dir) || dir} is not a run folder (no ${RUN_FILE}).`);
    infos.push(await readRunInfo(dir));
  }
  const shas = new Set(infos.map((i) => i.suite.sha256));
  if (shas.size > 1) {
    const list = infos.map((i, n) => `  ${relative(env.cwd, dirs[n]!)}: ${i.suite.name} ${i.suite.sha256.slice(0, 12)}`).join('\n');
    throw new ConfigError(`The folders ran different suites (or different versions of one): merge only shards of the same suite.\n${list}`);
  }
  const order = infos.map((info, n) => ({ info, dir: dirs[n]! })).sort((a, b) => (a.info.shard?.index ?? 0) - (b.info.shard?.index ?? 0));

  // Only the ids are held: the rows are streamed again when the merged file is written.
  const idsByDir = new Map<string, string[]>();
  for (const { dir } of order) {
    const ids: string[] = [];
    for await (const row of finalRows(dir)) ids.push(row.job_id);
    idsByDir.set(dir, ids);
  }
  const name = (dir: string) => relative(env.cwd, dir) || dir;
  const cover = coverage(order.map(({ info, dir }) => ({ dir: name(dir), shard: info.shard ?? null, matrix_size: info.matrix_size, row_ids: idsByDir.get(dir)! })));
  if (cover.problems.length || cover.overlaps.length) {
    const overlaps = cover.overlaps.slice(0, 10).map((o) => `job ${o.job_id} is in ${o.dirs.join(' and ')}`);
    const more = cover.overlaps.length > 10 ? [`… and ${cover.overlaps.length - 10} more jobs run twice`] : [];
    throw new ConfigError(`Cannot merge these folders:\n  ${[...cover.problems, ...overlaps, ...more].join('\n  ')}`);
  }

  const { gates: suiteGates, checkLists, ...fromSuite } = await suiteChecks(order[0]!.info, logger);
  const gateLimits = mergeGates(suiteGates, options.gates);
  // As on `run`, and before anything is written: with no checks there is no pass rate to gate.
  const gateWarning = checkLists ? assertGatesMeasurable(gateLimits, checkLists) : null;
  if (gateWarning) logger.warn(gateWarning);

  await prepareOutDir(outDir);
  await writeAtomicStream(join(outDir, RESULTS_FILE), shardLines(order.map((o) => o.dir)));
  const complete = cover.missing === 0;
  const status = mergedStatus(order.map((o) => o.info.status), complete);
  const startedAt = order.map((o) => o.info.started_at).sort()[0]!;
  const finishedAt = order.map((o) => o.info.finished_at ?? o.info.started_at).sort().at(-1)!;
  const runId = `merge-${finishedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}-${randomBytes(3).toString('hex')}`;
  const suiteName = order[0]!.info.suite.name;
  const summary = await finalize(outDir, { run_id: runId, suite: suiteName, started_at: startedAt, finished_at: finishedAt, status }, fromSuite);
  summary.merged_from = order.map(({ dir }) => relative(outDir, dir));
  // Each shard warmed up on its own machine and paid for it: the merged block is all of them.
  const warmups = (await Promise.all(order.map(({ dir }) => readWarmup(dir)))).flat();
  if (warmups.length) summary.warmup = warmupSummary(warmups);
  const first = order[0]!.info;
  const runJson: RunInfo = {
    ...first,
    agent_lab_version: VERSION,
    run_id: runId,
    started_at: startedAt,
    finished_at: finishedAt,
    status,
    shard: undefined,
    merged_from: order.map(({ info, dir }) => ({ dir: relative(outDir, dir), run_id: info.run_id, shard: shardLabel(info.shard), status: info.status ?? null, rows: idsByDir.get(dir)!.length })),
    coverage: { matrix_size: cover.matrix_size, covered: cover.covered, missing: cover.missing, missing_shards: cover.missing_shards, missing_job_ids: cover.missing_job_ids.slice(0, 1000) },
  };

  env.stdout.write(renderSummaryTable(summary));
  const gates = applyGates(summary, gateLimits, env);
  await writeSummary(outDir, summary);
  await writeRunInfo(outDir, runJson);
  const { writeRunReportsOrWarn } = await import('../store/report-html.js');
  await writeRunReportsOrWarn(outDir, summary, {}, logger);
  env.stdout.write(`merged ${order.length} folder(s), ${cover.covered} of ${cover.matrix_size} jobs → ${name(outDir)}\n`);
  if (!complete) {
    const parts = [
      cover.missing_shards.length ? `shard(s) ${cover.missing_shards.join(', ')} not given` : '',
      cover.missing_job_ids.length ? `${cover.missing_job_ids.length} job(s) of the given shards have no row (first: ${cover.missing_job_ids.slice(0, 5).join(', ')})` : '',
    ].filter(Boolean);
    logger.error(`The merge is incomplete: ${cover.missing} of ${cover.matrix_size} jobs missing — ${parts.join('; ') || 'the folders do not cover the matrix'}. Ids are in run.json (coverage).`);
  }
  // Incomplete like a stopped run: no gate can be trusted on part of the matrix, so exit 1.
  const exitCode = complete ? exitCodeFor(status, summary, gates) : status === 'interrupted' ? EXIT.interrupted : status === 'budget' ? EXIT.budget : EXIT.jobs_failed;
  const note = `merged from ${order.length} folder(s)${complete ? '' : `, ${cover.missing} job(s) missing`}`;
  await writeCiFiles({ outDir, summary, gates, junit: options.junit, exitCode, note }, env, logger);
  return { exitCode, outDir, summary, coverage: cover };
}

async function* shardLines(dirs: readonly string[]): AsyncGenerator<string> {
  for (const dir of dirs) for await (const row of finalRows(dir)) yield `${JSON.stringify(row)}\n`;
}

/** From an unchanged suite file: a shard killed before finalize has provisional verdicts (`cost pending`) to judge again; the suite also gives group order and `gates:`. */
async function suiteChecks(info: RunInfo, logger: Logger): Promise<Pick<FinalizeOptions, 'checksFor' | 'groupOrder'> & { gates?: Gates; checkLists?: CheckSpec[][] }> {
  if (!existsSync(info.suite.path)) return {};
  try {
    const loaded = await loadSuite(info.suite.path, { allowOutsideFiles: (info.options as { allowOutsideFiles?: boolean } | undefined)?.allowOutsideFiles });
    if (loaded.sha256 !== info.suite.sha256) return {};
    const suite = resolveSuite(loaded, ConfigSchema.parse({}));
    // The tasks are read again (datasets too) to know each row's entry; the rows carry their vars.
    const scan = await scanTasks(suite, { vars: (info.options as { vars?: Record<string, string> } | undefined)?.vars });
    const checkLists = suite.entries.map((entry) => entry.checks.map((c) => c.spec));
    return { checksFor: rowChecks(suite, scan), groupOrder: suiteGroupOrder(suite), gates: suite.gates, checkLists };
  } catch (error) {
    logger.warn(`Could not read the suite ${info.suite.path} (${(error as Error).message}); the rows keep the verdicts their runs gave them.`);
    return {};
  }
}

/** The most urgent shard status wins; a merge with gaps is `failed` at best. */
function mergedStatus(statuses: (string | undefined)[], complete: boolean): RunStatus {
  for (const s of ['interrupted', 'budget', 'stopped'] as const) if (statuses.includes(s)) return s;
  // `running`: a shard that was killed and never finished; its rows are in, the rest is a gap.
  if (!complete || statuses.some((s) => s !== 'ok')) return 'failed';
  return 'ok';
}
