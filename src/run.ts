// The main job, readable in one function: load → resolve → expand → execute → aggregate → report.
import { randomBytes } from 'node:crypto';
import Big from 'big.js';
import { join, relative, resolve } from 'node:path';
import { loadConfig, loadSuite } from './config/load.js';
import { resolveSettings, resolveSuite, type Settings } from './config/resolve.js';
import type { Env } from './env.js';
import { AgentLabError, ConfigError, EXIT, type ExitCode } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './log.js';
import { expandMatrix, unknownFilterNames, type MatrixFilter } from './matrix.js';
import { createProgress } from './progress.js';
import { createClient } from './provider/client.js';
import { finalRows, openJournal, scanJournal } from './report/journal.js';
import { alreadyDone, pendingCostRows } from './report/resume.js';
import { renderResponse } from './report/markdown.js';
import { renderSummaryTable } from './report/table.js';
import { lockRunDir } from './report/lock.js';
import { finalize, prepareOutDir, RUN_FILE, writeAtomic } from './report/write.js';
import { readRunInfo, runInfo, type Invocation } from './run-info.js';
import { runJobs } from './runner.js';
import { applyGates, writeCiFiles } from './ci-output.js';
import { exitCodeFor, mergeGates, type Gates } from './gates.js';
import { shardJobs, shardLabel, type Shard } from './shard.js';
import { afterRun, planAfterRun } from './after-run.js';
import { withChecks } from './checks/apply.js';
import { budgetFor, budgetSkippedRow, chargeOf } from './budget.js';
import { loadCatalog, type Catalog } from './catalog.js';
import { buildPlan, DEFAULT_EXPECT_TOKENS, estimateSummary, nativeCostEstimate, type RunPlan } from './estimate.js';
import { preflight, reportPreflight } from './preflight.js';
import { WARN } from './warnings.js';
import { renderPlanJson, renderPlanTable } from './report/plan-table.js';
import { summarize } from './aggregate.js';
import type { Job, Params, RunStatus, RunSummary } from './types.js';
import { VERSION } from './version.js';

export interface RunOptions {
  suitePath: string;
  configPath?: string;
  /** Write exactly here (default results/<suite>/<UTC timestamp>/). */
  out?: string;
  /** Run against the built-in simulator: no key, no network. */
  mock?: boolean;
  baseUrl?: string;
  concurrency?: number;
  filter?: MatrixFilter;
  /** Highest-precedence request params (CLI flags). */
  params?: Params;
  saveResponses?: boolean;
  logLevel?: LogLevel;
  /** Continue the run in this folder. */
  resume?: string;
  retryErrors?: boolean;
  /** Resume even though the suite changed. */
  force?: boolean;
  maxCost?: number;
  /** Check the matrix against /models first (default true; `--no-preflight`). */
  preflight?: boolean;
  /** Params a model does not list are errors, and provider.require_parameters: true is sent. */
  strictParams?: boolean;
  /** Print the plan (matrix, estimated tokens, cost range) and send nothing. */
  dryRun?: boolean;
  /** Expected completion tokens per job for the low estimate. */
  expectTokens?: number;
  /** With dryRun: the plan as JSON. */
  json?: boolean;
  /** Extra options for the built-in simulator (tests and the benchmark). */
  mockOptions?: Record<string, unknown>;
  /** Compare against this run folder (or summary.json) at the end; its gate can make the exit code 3. */
  baseline?: string;
  /** --fail-on rules for the baseline comparison, e.g. `pass_rate<-5pp,cost>+10%`. */
  failOn?: string;
  /** History file (default <output_dir>/history.jsonl); false: do not append. */
  history?: string | false;
  /** Gate thresholds from the command line; override the suite's `gates:` key by key. */
  gates?: Gates;
  /** Write a JUnit XML report here. */
  junit?: string;
  /** Run only this slice of the matrix (`--shard i/n`). */
  shard?: Shard;
}

export interface RunReport {
  exitCode: ExitCode;
  status: RunStatus;
  outDir: string;
  summary: RunSummary;
  /** The pre-run estimate (null with --no-preflight). */
  plan?: RunPlan | null;
}

export async function runSuite(options: RunOptions, env: Env): Promise<RunReport> {
  const { config, path: configPath } = await loadConfig(options.configPath, env.cwd);
  const loaded = await loadSuite(resolve(env.cwd, options.suitePath));
  const suite = resolveSuite(loaded, config);
  const settings = resolveSettings(config, env.env, flagsOf(options), suite);
  // A plan sends no chat request, and /models needs no key.
  const apiKey = options.mock || options.dryRun ? null : requireKey(settings, env);
  const logger = createLogger(env.stderr, settings.log_level as LogLevel, [apiKey]);

  const filter = options.filter ?? {};
  const unknown = unknownFilterNames(suite, filter);
  if (unknown.length) throw new ConfigError(`The matrix filter names things the suite does not have:\n  ${unknown.join('\n  ')}`);
  const matrix = expandMatrix(suite, strictParams(options), filter);
  if (matrix.length === 0) throw new ConfigError('The matrix is empty: nothing to run.');
  // --shard: this machine's slice of the matrix; everything below sees only it.
  const jobs = options.shard ? shardJobs(matrix, options.shard) : matrix;
  const gates = mergeGates(suite.gates, options.gates);
  if (gates.min_pass_rate !== undefined && !matrix.some((job) => job.checks?.length)) {
    throw new ConfigError('`min_pass_rate` needs checks, and no task has any: add `checks:` to the suite (README "Checks") or drop the gate.');
  }
  const after = planAfterRun(options, env.cwd, settings.output_dir);

  // Preflight: the matrix against /models, before any folder is made or request sent.
  const catalog: Catalog | null = options.preflight === false ? null : await loadCatalog({ mock: options.mock, baseUrl: settings.base_url }, env);
  if (catalog) {
    logger.debug(`preflight: ${new Set(jobs.map((j) => j.model)).size} model(s) checked against /models at ${catalog.baseUrl} (${catalog.fromCache ? 'cached list' : 'fetched'} ${catalog.fetchedAt})`);
    reportPreflight(preflight(jobs, catalog.models, { strictParams: options.strictParams, baseUrl: catalog.baseUrl }), logger);
  }
  const expectTokens = options.expectTokens ?? DEFAULT_EXPECT_TOKENS;
  const plan = catalog ? buildPlan(jobs, catalog.pricingOf, expectTokens, env.date()) : null;
  if (options.dryRun) {
    if (!plan) throw new ConfigError('A plan needs the prices from /models: drop --no-preflight.');
    env.stdout.write(options.json ? renderPlanJson(plan, settings.max_cost) : renderPlanTable(plan, settings.max_cost));
    const now = env.date().toISOString();
    return { exitCode: EXIT.ok, status: 'ok', outDir: '', plan, summary: summarize([], { run_id: '', suite: suite.name, started_at: now, finished_at: now, status: 'ok' }) };
  }
  const budget = settings.max_cost === null ? null : budgetFor(settings.max_cost, jobs, catalog ? catalog.pricingOf : null, env.date);
  if (plan) logger.info(WARN.estimateLine(plan, settings.max_cost));

  const outDir = resolve(env.cwd, options.resume ?? options.out ?? join(settings.output_dir, suite.name, stamp(env.date())));
  const previous = options.resume ? await readRunInfo(outDir) : null;
  if (previous && shardLabel(previous.shard) !== shardLabel(options.shard)) {
    throw new ConfigError(`${outDir} was run as shard ${shardLabel(previous.shard) ?? '(none)'}, not ${shardLabel(options.shard) ?? '(none)'}: resume it with the same --shard (agent-lab resume DIR does that for you).`);
  }
  if (previous && previous.suite.sha256 !== suite.sha256 && !options.force) {
    throw new ConfigError(`The suite changed since ${outDir} was run (sha256 ${previous.suite.sha256.slice(0, 12)} → ${suite.sha256.slice(0, 12)}). Resuming would mix two suites; pass --force to do it anyway, or start a new run.`);
  }
  await prepareOutDir(outDir);
  // Before the journal is read: a second process on this folder would send the same jobs again.
  const unlock = await lockRunDir(outDir);
  const journal0 = options.resume ? await scanJournal(outDir) : null;
  const todo = journal0 ? jobs.filter((job) => !alreadyDone(journal0, job.job_id, Boolean(options.retryErrors))) : jobs;
  // On resume the cap covers the whole run folder: what earlier invocations spent counts too.
  if (budget && journal0) budget.charge(await spentIn(outDir));
  // Costs a killed run was still waiting for: asked for again; the request is never re-sent.
  const rerun = new Set(todo.map((job) => job.job_id));
  const recoverCosts = journal0 && settings.generation.enabled ? await pendingCostRows(outDir, (id) => rerun.has(id)) : [];
  if (journal0?.torn) logger.warn(`${journal0.torn} torn line(s) in results.jsonl were ignored (an earlier run was killed mid-write).`);

  const runId = previous?.run_id ?? `${stamp(env.date())}-${randomBytes(3).toString('hex')}`;
  const startedAt = previous?.started_at ?? env.date().toISOString();
  const info = {
    ...runInfo({ runId, startedAt, suite, settings, options, jobs: matrix.length, version: VERSION, invocation: invocationOf({ ...options, junit: options.junit && resolve(env.cwd, options.junit) }, configPath) }),
    // merge checks coverage against these: the ids this shard was given.
    ...(options.shard ? { shard: { ...options.shard, job_ids: jobs.map((job) => job.job_id) } } : {}),
  };
  await writeAtomic(join(outDir, RUN_FILE), JSON.stringify({ ...info, status: 'running' }, null, 2) + '\n');
  logger.info(`agent-lab ${VERSION}: ${suite.name}, ${jobs.length} jobs${journal0 ? ` (${jobs.length - todo.length} already done)` : ''}, concurrency ${settings.concurrency} → ${relative(env.cwd, outDir) || '.'}`);

  const mock = options.mock ? await (await import('./mock/server.js')).startMockServer(options.mockOptions ?? {}) : null;
  const client = createClient({
    baseUrl: mock?.url ?? settings.base_url,
    apiKey,
    headers: attribution(settings),
    connections: settings.concurrency,
    timeouts: settings.timeouts,
    now: env.now,
    logger,
  });
  // A journal that cannot be written (a full disk) stops the run: results that cannot be kept
  // are not worth paying for.
  const halt = new AbortController();
  const journal = openJournal(outDir, (error) => {
    logger.error(`cannot write results.jsonl (${error.message}): no new jobs will be sent`);
    halt.abort();
  });
  const progress = createProgress(env.stderr, todo.length, env.now);
  const saveResponse = options.saveResponses ? await responseSaver(outDir) : null;
  let outcome;
  let skipped: Job[] = [];
  try {
    outcome = await runJobs(todo, {
      client,
      concurrency: settings.concurrency,
      retry: settings.retry,
      generation: settings.generation,
      run_id: runId,
      now: env.now,
      date: env.date,
      random: Math.random,
      logger,
      signal: env.signal,
      stopSignal: env.stopSignal ? AbortSignal.any([env.stopSignal, halt.signal]) : halt.signal,
      recoverCosts,
      onRow: (row, job) => {
        // Provisional verdicts for the journal; finalize judges again once costs are in.
        journal.row(withChecks(row, job.checks, { final: false }));
        progress.tick(row);
        saveResponse?.(job, row);
      },
      onCost: (row) => journal.cost({ ...row, cost_estimate_usd: nativeCostEstimate(row, catalog?.pricingOf(row.model) ?? null, new Date(row.started_at)) }),
      admit: budget ? (job) => budget.admit(job) : undefined,
      settle: budget ? (job, row) => budget.settle(job, row) : undefined,
    });
    // Jobs the cap kept back are rows too (skipped, not failed), so the results say what was not run.
    if (outcome.status === 'budget') {
      const at = env.date().toISOString();
      skipped = todo.slice(outcome.dispatched);
      for (const job of skipped) journal.row(budgetSkippedRow(job, runId, at, settings.max_cost!));
    }
  } finally {
    progress.stop();
    await journal.close();
    await client.close();
    await mock?.close();
  }
  const lost = journal.failure();
  if (lost) {
    throw new AgentLabError(`Could not write the results to ${relative(env.cwd, outDir) || '.'} (${lost.message}); no new jobs were sent after that. Free some space, then resume with: agent-lab resume ${relative(env.cwd, outDir) || '.'}`, EXIT.jobs_failed);
  }
  if (outcome.stopReason) logger.error(outcome.stopReason);
  const skippedIds = new Set(skipped.map((j) => j.job_id));
  if (budget && outcome.status === 'budget') logger.warn(WARN.budgetStopped(budget.spent().toString(), String(settings.max_cost), skipped.length));

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
      // Estimate vs actual, over the jobs that were sent (the skipped ones cost nothing).
      estimate: plan ? estimateSummary(skipped.length ? buildPlan(jobs.filter((j) => !skippedIds.has(j.job_id)), catalog!.pricingOf, expectTokens, env.date()) : plan) : undefined,
    },
    { checksFor: (row) => checksByTask.get(row.task_id), canonical: catalog?.canonical },
  );
  await writeAtomic(join(outDir, RUN_FILE), JSON.stringify({ ...info, status: outcome.status, finished_at: summary.finished_at, throttles: outcome.throttles }, null, 2) + '\n');
  env.stdout.write(renderSummaryTable(summary));
  const gateResults = await applyGates(outDir, summary, gates, env);
  env.stdout.write(`results: ${relative(env.cwd, outDir) || '.'}${options.shard ? ` (shard ${shardLabel(options.shard)}: ${jobs.length} of ${matrix.length} jobs)` : ''}\n`);
  // `agent-lab resume DIR` reads run.json, so the filters, params and flags of this run come back too.
  const resumeCommand = `agent-lab resume ${relative(env.cwd, outDir) || '.'}`;
  if (outcome.status === 'interrupted') env.stderr.write(`Interrupted. Resume with: ${resumeCommand}\n`);
  if (outcome.status === 'stopped') env.stderr.write(`When that is fixed, resume with: ${resumeCommand}\n`);
  // report.html, the history line and the --baseline comparison (whose gate turns an ok run into exit 3).
  const { gateFailed } = await afterRun(after, { outDir, summary, suiteSha256: suite.sha256, mock: Boolean(options.mock) }, env, logger);
  // One precedence for every gate, the baseline's included (gates.ts exitCodeFor, README "Exit codes").
  const exitCode = exitCodeFor(outcome.status, summary, gateFailed ? [...gateResults, { status: 'fail' }] : gateResults);
  const note = options.shard ? `shard ${shardLabel(options.shard)}` : undefined;
  await writeCiFiles({ outDir, summary, gates: gateResults, junit: options.junit, exitCode, note: gateFailed ? `${note ? `${note} · ` : ''}baseline comparison failed (compare.md)` : note }, env, logger);
  await unlock();
  return { exitCode, status: outcome.status, outDir, summary };
}

export { exitCodeFor } from './gates.js';

function requireKey(settings: Settings, env: Env): string {
  const key = env.env[settings.api_key_env];
  if (!key) {
    throw new ConfigError(`No API key: set ${settings.api_key_env} in the environment (the key never lives in a file), or pass --mock to run on the built-in simulator.`);
  }
  return key;
}

function attribution(settings: Settings): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': `agent-lab/${VERSION}` };
  if (settings.app_url) headers['http-referer'] = settings.app_url;
  if (settings.app_title) headers['x-title'] = settings.app_title;
  return headers;
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

/** --strict-params also tells OpenRouter to route only to providers that take every param. */
function strictParams(options: RunOptions): Params {
  const params = options.params ?? {};
  if (!options.strictParams) return params;
  const provider = typeof params.provider === 'object' && params.provider !== null ? params.provider : {};
  return { ...params, provider: { ...provider, require_parameters: true } };
}

function flagsOf(options: RunOptions) {
  const flags: Record<string, unknown> = {};
  if (options.baseUrl !== undefined) flags.base_url = options.baseUrl;
  if (options.concurrency !== undefined) flags.concurrency = options.concurrency;
  if (options.maxCost !== undefined) flags.max_cost = options.maxCost;
  if (options.logLevel !== undefined) flags.log_level = options.logLevel;
  return flags;
}

async function responseSaver(outDir: string) {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const dir = join(outDir, 'responses');
  await mkdir(dir, { recursive: true });
  return (job: Job, row: Parameters<typeof renderResponse>[1]) =>
    void writeFile(join(dir, `${job.task_id}__${safe(job.model)}__${job.system_prompt_id}__r${job.repeat}.md`), renderResponse(job, row));
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_');

/** A UTC timestamp that sorts and is safe in a folder name: 2026-11-22T17-45-03Z. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}
