// Stage 1: everything that can be checked before a folder is made or a request sent — the
// config and suite, the matrix (and this machine's shard of it), the gates, the matrix against
// /models (preflight, which also gives the prices for the plan and the budget) — resolved into
// one RunPlan. The later stages take the RunPlan and never see RunOptions.
import { join, resolve } from 'node:path';
import { budgetFor, type Budget } from '../money/budget.js';
import { checkJudgeModels, suiteJudgeModels } from '../models/judges.js';
import { judgeEstimates } from '../money/judge-estimate.js';
import { responseCacheDir } from '../cache/dir.js';
import { keyBase, SIMULATOR_BASE } from '../cache/key.js';
import { writesCache, type CachePlan } from '../cache/mode.js';
import { prepareCacheDir } from '../cache/store.js';
import { loadCatalog, type Catalog } from '../models/catalog.js';
import { loadConfig, loadSuite } from '../config/load.js';
import { resolveSuite, type ResolvedSuite } from '../config/resolve.js';
import { resolveSettings, type Settings, type SettingsFlags } from '../config/settings.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_EXPECT_TOKENS } from '../money/estimate.js';
import { createPlanner, type CostPlan } from '../money/plan.js';
import { warmupArms } from './warmup.js';
import { mergeGates, type Gates } from '../ci/gates.js';
import { assertGatesMeasurable } from '../ci/gate-needs.js';
import { createLogger, type Logger } from '../log.js';
import { unknownFilterNames, type Matrix } from '../config/matrix.js';
import { flagParamIssues } from '../config/params.js';
import { DEFAULT_SAMPLE_SEED } from '../config/select.js';
import type { TaskScan, TaskSelection } from '../config/tasks.js';
import { createPreflight, reportPreflight } from '../models/preflight.js';
import type { Shard } from '../ci/shard.js';
import { resolveShard, type ShardSource } from '../ci/shard-env.js';
import type { Job, Params } from '../types/job.js';
import { readMatrix } from './read-matrix.js';
import { planAfterRun, type AfterRunPlan } from './after.js';
import { confirmationReason, confirmRun } from './confirm.js';
import { replayOf, type ReplayOptions, type RunOptions } from './options.js';
import { stamp } from './stamp.js';

export interface RunPlan {
  suite: ResolvedSuite;
  settings: Settings;
  logger: Logger;
  /** The whole matrix; `jobs` is this machine's shard of it (all of it without --shard). Both stream. */
  matrix: Matrix;
  jobs: Matrix;
  shard: Shard | null;
  /** The slice and where it came from (`--shard`, or the CI engine for `auto`); null unsharded. */
  sharding: ShardSource | null;
  /** With --shard: this shard's job ids, in matrix order (run.json records them for merge). */
  shardIds: string[] | null;
  /** The tasks as read before anything was sent: counts, and each row's checks for finalize. */
  tasks: TaskScan;
  endpoint: Endpoint;
  paths: RunPaths;
  /** Set when the run continues in paths.outDir. */
  resume: { retryErrors: boolean; force: boolean; recheck: boolean } | null;
  /** The suite's `gates:`, each overridden by its flag. */
  gates: Gates;
  after: AfterRunPlan;
  /** /models, or null with --no-preflight. */
  catalog: Catalog | null;
  /** The pre-run cost estimate, or null without prices. */
  estimate: CostPlan | null;
  expectTokens: number;
  budget: Budget | null;
  /** The response cache, or null when it is off. */
  cache: CachePlan | null;
  /** What run.json records, so that `agent-lab resume` runs the same command again. */
  replay: ReplayOptions;
}

export interface Endpoint {
  /** The simulator's URL with --mock, else the configured base URL. */
  baseUrl: string;
  /** null with --mock or a plan: nothing is sent that needs it. */
  apiKey: string | null;
  simulated: boolean;
}

export interface RunPaths {
  outDir: string;
  /** --junit, absolute. */
  junit: string | null;
  /** --save-responses: one Markdown file per job here. */
  responses: string | null;
}

export interface PrepareMode {
  /** The simulator this command started (--mock), or null. */
  simulatorUrl: string | null;
  /** A plan: needs no key and no budget, and cannot go without prices. */
  dryRun?: boolean;
  /** Told the endpoint as soon as it is known, before /models is fetched: the run opens its connections then. */
  onEndpoint?: (endpoint: Endpoint, settings: Settings, jobs: number) => void;
}

export async function prepareRun(options: RunOptions, env: Env, mode: PrepareMode): Promise<RunPlan> {
  const config = await loadConfig(options.configPath, env.cwd);
  // /models is fetched while the suite is read and every task scanned: its URL comes from the
  // flags, the environment and the config file, never the suite. A run that stops first stops it.
  const fetching = new AbortController();
  // A plan cannot do without /models (it needs the prices), so only a run is offered --no-preflight.
  const hint = mode.dryRun ? 'a plan needs the prices from /models' : 'pass --no-preflight to run without checking models and prices';
  const baseUrl = mode.simulatorUrl ?? resolveSettings(config.config, env.env, flagsOf(options)).base_url;
  const catalog = options.preflight === false ? Promise.resolve(null) : loadCatalog({ baseUrl, simulated: mode.simulatorUrl !== null, hint, signal: fetching.signal }, env);
  // Awaited once the suite is read: a failure waits its turn behind the suite's own errors.
  catalog.catch(() => undefined);
  try {
    return await planRun(options, env, mode, config, catalog);
  } catch (error) {
    fetching.abort();
    throw error;
  }
}

async function planRun(options: RunOptions, env: Env, mode: PrepareMode, { config, path: configPath }: Awaited<ReturnType<typeof loadConfig>>, fetchingCatalog: Promise<Catalog | null>): Promise<RunPlan> {
  const loaded = await loadSuite(resolve(env.cwd, options.suitePath), { allowOutsideFiles: options.allowOutsideFiles });
  const suite = resolveSuite(loaded, config);
  const settings = resolveSettings(config, env.env, flagsOf(options), suite);
  // A plan sends no chat request, and /models needs no key.
  const apiKey = options.mock || mode.dryRun ? null : requireKey(settings, env, options.resume !== undefined);
  const logger = createLogger(env.stderr, settings.log_level, [apiKey]);

  const flagIssues = flagParamIssues(options.params ?? {});
  if (flagIssues.length) throw new ConfigError(`Invalid request param${flagIssues.length === 1 ? '' : 's'} on the command line:`, flagIssues);
  const filter = options.filter ?? {};
  const unknown = unknownFilterNames(suite, filter);
  if (unknown.length) throw new ConfigError(`The matrix filter names things the suite does not have:\n  ${unknown.join('\n  ')}`);
  const gates = mergeGates(suite.gates, options.gates);
  const gateWarning = assertGatesMeasurable(gates, suite.entries.map((entry) => entry.checks.map((c) => c.spec)));
  if (gateWarning) logger.warn(gateWarning);
  const after = planAfterRun(options, env, settings.output_dir);
  const endpoint: Endpoint = { baseUrl: mode.simulatorUrl ?? settings.base_url, apiKey, simulated: mode.simulatorUrl !== null };
  const cache = settings.cache && !mode.dryRun ? await cachePlan(options, suite, endpoint, env) : null;
  // --shard: this machine's slice of the matrix (`auto`: the CI engine's); everything after this sees only it.
  const sharding = resolveShard(options.shard, options.shardCount, env.env);
  const shard = sharding?.shard ?? null;
  const models = suite.models.map((m) => m.id).filter((id) => !filter.models?.length || filter.models.includes(id));
  // The chat connections open now, while /models is fetched and every task read (run/connections.ts):
  // as many as the run can use at once, which a suite without datasets already tells.
  const plainJobs = suite.entries.every((entry) => !entry.dataset) ? suite.entries.reduce((runs, entry) => runs + (entry.repeats ?? suite.repeats), 0) * models.length * suite.systemPrompts.length : Infinity;
  mode.onEndpoint?.(endpoint, settings, plainJobs);

  const catalog = await fetchingCatalog;
  const expectTokens = options.expectTokens ?? DEFAULT_EXPECT_TOKENS;
  // Every task is read (every dataset row rendered, every image checked) before anything is
  // sent; the same pass checks every job against /models and prices it.
  const check = catalog && createPreflight(catalog.models, { strictParams: options.strictParams, baseUrl: catalog.baseUrl });
  const planner = catalog && createPlanner(catalog.pricingOf, expectTokens, env.date(), (job) => judgeEstimates(job, catalog.pricingOf, expectTokens, env.date()));
  const judges = suiteJudgeModels(suite);
  if (catalog) checkJudgeModels(judges, catalog);
  // The warmup requests the run will send first (run/warmup.ts) are priced with the jobs: they are paid for.
  const arms = planner && settings.warmup > 0 ? warmupArms() : null;
  const onJob = check && planner ? (job: Job) => (check.add(job), planner.add(job), arms?.see(job)) : undefined;
  const { tasks, matrix, jobs, shardIds } = await readMatrix(suite, selectionOf(options), strictParams(options), filter, shard ?? undefined, { onJob }, options.stream);
  if (matrix.size === 0) throw new ConfigError('The matrix is empty: nothing to run.');
  if (sharding) logger.info(`shard ${shard!.index}/${shard!.count} from ${sharding.from}: ${jobs.size} of ${matrix.size} jobs`);
  let estimate: CostPlan | null = null;
  if (catalog && check && planner) {
    logger.debug(`preflight: ${models.length} model(s) checked against /models at ${catalog.baseUrl} (${catalog.fromCache ? 'cached list' : 'fetched'} ${catalog.fetchedAt})`);
    reportPreflight(check.problems(), logger);
    for (const job of arms?.jobs(settings.warmup) ?? []) planner.addWarmup(job);
    estimate = { ...planner.finish(), ...selectionNotes(options, tasks) };
  }
  // Only a dry run may go on without prices; a budget refuses to guess (budgetFor throws).
  const budget = mode.dryRun || settings.max_cost === null ? null : budgetFor(settings.max_cost, [...models, ...judges], catalog ? catalog.pricingOf : null, env.date);

  if (!mode.dryRun) await confirmRun(confirmationReason(jobs.size, estimate, settings), { yes: options.yes, resuming: options.resume !== undefined }, env);

  const outDir = resolve(env.cwd, options.resume ?? options.out ?? join(settings.output_dir, suite.name, stamp(env.date())));
  const paths: RunPaths = {
    outDir,
    junit: options.junit === undefined ? null : resolve(env.cwd, options.junit),
    responses: options.saveResponses ? join(outDir, 'responses') : null,
  };
  // A re-check exists to try edited checks: a changed suite is its point, not a mix of two runs.
  const resume = options.resume === undefined ? null : { retryErrors: Boolean(options.retryErrors), force: Boolean(options.force || options.recheck), recheck: Boolean(options.recheck) };
  const replay = replayOf(options, { cwd: env.cwd, suite: suite.path, config: configPath }, shard);
  return { suite, settings, logger, matrix, jobs, shard, sharding, shardIds, tasks, endpoint, paths, resume, gates, after, catalog, estimate, expectTokens, budget, cache, replay };
}

function selectionOf(options: RunOptions): TaskSelection {
  return { vars: options.vars, tasks: options.filter?.tasks, sample: options.sample, sampleSeed: options.sampleSeed, limit: options.limit };
}

/** What the plan says about --tasks, --sample, --limit and --var, so their effect shows before a run. */
function selectionNotes(options: RunOptions, tasks: TaskScan): { selection?: string[] } {
  const notes: string[] = [];
  const how = [
    options.filter?.tasks?.length ? `--tasks (${tasks.total} match)` : '',
    options.sample !== undefined ? `--sample ${options.sample} --sample-seed ${options.sampleSeed ?? DEFAULT_SAMPLE_SEED}` : '',
    options.limit !== undefined ? `--limit ${options.limit}` : '',
  ].filter(Boolean);
  if (how.length) notes.push(`tasks: ${tasks.count} of the suite's tasks (${how.join(', ')}).`);
  const vars = Object.entries(options.vars ?? {});
  if (vars.length) notes.push(`--var: ${vars.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')} (over the suite's vars and every row's fields).`);
  return notes.length ? { selection: notes } : {};
}

function requireKey(settings: Settings, env: Env, resuming: boolean): string {
  const key = env.env[settings.api_key_env];
  if (!key) {
    // A resumed real run cannot go on with --mock (open.ts refuses to mix the two), so no such hint.
    const or = resuming ? '' : ', or pass --mock to run on the built-in simulator';
    throw new ConfigError(`No API key: set ${settings.api_key_env} in the environment (the key never lives in a file)${or}.`);
  }
  return key;
}

/** --strict-params also tells OpenRouter to route only to providers that take every param. */
function strictParams(options: RunOptions): Params {
  const params = options.params ?? {};
  if (!options.strictParams) return params;
  const provider = typeof params.provider === 'object' && params.provider !== null ? params.provider : {};
  return { ...params, provider: { ...provider, require_parameters: true } };
}

/** The flags that beat the config file and the environment (config/resolve.ts). --cache-dir or --cache-mode alone turn the cache on. */
function flagsOf(options: RunOptions): SettingsFlags {
  const cache = options.cache ?? (options.cacheDir !== undefined || options.cacheMode !== undefined ? true : undefined);
  return { base_url: options.baseUrl, concurrency: options.concurrency, max_cost: options.maxCost, log_level: options.logLevel, cache, request_rate: options.requestRate, arrival: options.arrival, warmup: options.warmup };
}

/** The cache's folder (made, and checked, now: before anything is sent) and what its keys name. */
async function cachePlan(options: RunOptions, suite: ResolvedSuite, endpoint: Endpoint, env: Env): Promise<CachePlan> {
  const plan: CachePlan = {
    dir: responseCacheDir(env, options.cacheDir),
    mode: options.cacheMode ?? 'read-write',
    base: endpoint.simulated ? SIMULATOR_BASE : keyBase(endpoint.baseUrl),
    repeats: suite.cache_repeats ?? false,
  };
  await prepareCacheDir(plan.dir, writesCache(plan.mode));
  return plan;
}
