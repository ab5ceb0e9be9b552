// Stage 1: everything that can be checked before a folder is made or a request sent — the
// config and suite, the matrix (and this machine's shard of it), the gates, the matrix against
// /models (preflight, which also gives the prices for the plan and the budget) — resolved into
// one RunPlan. The later stages take the RunPlan and never see RunOptions.
import { join, resolve } from 'node:path';
import { budgetFor, type Budget } from '../money/budget.js';
import { loadCatalog, type Catalog } from '../models/catalog.js';
import { loadConfig, loadSuite } from '../config/load.js';
import { resolveSettings, resolveSuite, type ResolvedSuite, type Settings, type SettingsFlags } from '../config/resolve.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';
import { buildPlan, DEFAULT_EXPECT_TOKENS, type CostPlan } from '../money/estimate.js';
import { mergeGates, type Gates } from '../ci/gates.js';
import { createLogger, type Logger } from '../log.js';
import { expandMatrix, unknownFilterNames } from '../config/matrix.js';
import { preflight, reportPreflight } from '../models/preflight.js';
import { shardJobs, type Shard } from '../ci/shard.js';
import type { Job, Params } from '../types/job.js';
import { planAfterRun, type AfterRunPlan } from './after.js';
import { replayOf, type ReplayOptions, type RunOptions } from './options.js';
import { stamp } from './stamp.js';

export interface RunPlan {
  suite: ResolvedSuite;
  settings: Settings;
  logger: Logger;
  /** The whole matrix; `jobs` is this machine's shard of it (all of it without --shard). */
  matrix: Job[];
  jobs: Job[];
  shard: Shard | null;
  endpoint: Endpoint;
  paths: RunPaths;
  /** Set when the run continues in paths.outDir. */
  resume: { retryErrors: boolean; force: boolean } | null;
  /** The suite's `gates:`, each overridden by its flag. */
  gates: Gates;
  after: AfterRunPlan;
  /** /models, or null with --no-preflight. */
  catalog: Catalog | null;
  /** The pre-run cost estimate, or null without prices. */
  estimate: CostPlan | null;
  expectTokens: number;
  budget: Budget | null;
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
  const { config, path: configPath } = await loadConfig(options.configPath, env.cwd);
  const loaded = await loadSuite(resolve(env.cwd, options.suitePath));
  const suite = resolveSuite(loaded, config);
  const settings = resolveSettings(config, env.env, flagsOf(options), suite);
  // A plan sends no chat request, and /models needs no key.
  const apiKey = options.mock || mode.dryRun ? null : requireKey(settings, env, options.resume !== undefined);
  const logger = createLogger(env.stderr, settings.log_level, [apiKey]);

  const filter = options.filter ?? {};
  const unknown = unknownFilterNames(suite, filter);
  if (unknown.length) throw new ConfigError(`The matrix filter names things the suite does not have:\n  ${unknown.join('\n  ')}`);
  const matrix = expandMatrix(suite, strictParams(options), filter);
  if (matrix.length === 0) throw new ConfigError('The matrix is empty: nothing to run.');
  // --shard: this machine's slice of the matrix; everything after this sees only it.
  const jobs = options.shard ? shardJobs(matrix, options.shard) : matrix;
  const gates = mergeGates(suite.gates, options.gates);
  if (gates.min_pass_rate !== undefined && !matrix.some((job) => job.checks?.length)) {
    throw new ConfigError('`min_pass_rate` needs checks, and no task has any: add `checks:` to the suite (README "Checks") or drop the gate.');
  }
  const after = planAfterRun(options, env.cwd, settings.output_dir);
  const endpoint: Endpoint = { baseUrl: mode.simulatorUrl ?? settings.base_url, apiKey, simulated: mode.simulatorUrl !== null };
  mode.onEndpoint?.(endpoint, settings, jobs.length);

  // A plan cannot do without /models (it needs the prices), so only a run is offered --no-preflight.
  const unchecked = mode.dryRun ? 'a plan needs the prices from /models' : 'pass --no-preflight to run without checking models and prices';
  const catalog = options.preflight === false ? null : await loadCatalog({ baseUrl: endpoint.baseUrl, simulated: endpoint.simulated, hint: unchecked }, env);
  if (catalog) {
    logger.debug(`preflight: ${new Set(jobs.map((j) => j.model)).size} model(s) checked against /models at ${catalog.baseUrl} (${catalog.fromCache ? 'cached list' : 'fetched'} ${catalog.fetchedAt})`);
    reportPreflight(preflight(jobs, catalog.models, { strictParams: options.strictParams, baseUrl: catalog.baseUrl }), logger);
  }
  const expectTokens = options.expectTokens ?? DEFAULT_EXPECT_TOKENS;
  const estimate = catalog ? buildPlan(jobs, catalog.pricingOf, expectTokens, env.date()) : null;
  // Only a dry run may go on without prices; a budget refuses to guess (budgetFor throws).
  const budget = mode.dryRun || settings.max_cost === null ? null : budgetFor(settings.max_cost, jobs, catalog ? catalog.pricingOf : null, env.date);

  const outDir = resolve(env.cwd, options.resume ?? options.out ?? join(settings.output_dir, suite.name, stamp(env.date())));
  const paths: RunPaths = {
    outDir,
    junit: options.junit === undefined ? null : resolve(env.cwd, options.junit),
    responses: options.saveResponses ? join(outDir, 'responses') : null,
  };
  const resume = options.resume === undefined ? null : { retryErrors: Boolean(options.retryErrors), force: Boolean(options.force) };
  const replay = replayOf(options, { cwd: env.cwd, suite: suite.path, config: configPath });
  return { suite, settings, logger, matrix, jobs, shard: options.shard ?? null, endpoint, paths, resume, gates, after, catalog, estimate, expectTokens, budget, replay };
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

/** The flags that beat the config file and the environment (config/resolve.ts). */
function flagsOf(options: RunOptions): SettingsFlags {
  return { base_url: options.baseUrl, concurrency: options.concurrency, max_cost: options.maxCost, log_level: options.logLevel };
}
