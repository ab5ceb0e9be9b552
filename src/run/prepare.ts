// Stage 1 of a run: everything that can be checked before a folder is made or a request sent —
// the config and suite, the matrix (and this machine's shard of it), the gates, and the matrix
// against /models (preflight), which also gives the prices for the plan and the budget.
import { resolve } from 'node:path';
import { budgetFor, type Budget } from '../money/budget.js';
import { loadCatalog, type Catalog } from '../models/catalog.js';
import { loadConfig, loadSuite } from '../config/load.js';
import { resolveSettings, resolveSuite, type ResolvedSuite, type Settings } from '../config/resolve.js';
import type { Env } from '../env.js';
import { ConfigError } from '../errors.js';
import { buildPlan, DEFAULT_EXPECT_TOKENS, type RunPlan } from '../money/estimate.js';
import { mergeGates, type Gates } from '../ci/gates.js';
import { createLogger, type Logger, type LogLevel } from '../log.js';
import { expandMatrix, unknownFilterNames } from '../config/matrix.js';
import { preflight, reportPreflight } from '../models/preflight.js';
import { shardJobs } from '../ci/shard.js';
import type { Job, Params } from '../types/job.js';
import { planAfterRun, type AfterRunPlan } from './after.js';
import type { RunOptions } from './index.js';

export interface PreparedRun {
  configPath: string | null;
  suite: ResolvedSuite;
  settings: Settings;
  /** null with --mock or --dry-run: nothing is sent that needs it. */
  apiKey: string | null;
  logger: Logger;
  /** The whole matrix; `jobs` is this machine's shard of it (all of it without --shard). */
  matrix: Job[];
  jobs: Job[];
  gates: Gates;
  after: AfterRunPlan;
  /** /models, or null with --no-preflight. */
  catalog: Catalog | null;
  /** The pre-run estimate, or null without prices. */
  plan: RunPlan | null;
  expectTokens: number;
  budget: Budget | null;
}

export async function prepareRun(options: RunOptions, env: Env): Promise<PreparedRun> {
  const { config, path: configPath } = await loadConfig(options.configPath, env.cwd);
  const loaded = await loadSuite(resolve(env.cwd, options.suitePath));
  const suite = resolveSuite(loaded, config);
  const settings = resolveSettings(config, env.env, flagsOf(options), suite);
  // A plan sends no chat request, and /models needs no key.
  const apiKey = options.mock || options.dryRun ? null : requireKey(settings, env, Boolean(options.resume));
  const logger = createLogger(env.stderr, settings.log_level as LogLevel, [apiKey]);

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

  // A plan cannot do without /models (it needs the prices), so only a run is offered --no-preflight.
  const unchecked = options.dryRun ? 'a plan needs the prices from /models' : 'pass --no-preflight to run without checking models and prices';
  const catalog = options.preflight === false ? null : await loadCatalog({ mock: options.mock, baseUrl: settings.base_url, hint: unchecked }, env);
  if (catalog) {
    logger.debug(`preflight: ${new Set(jobs.map((j) => j.model)).size} model(s) checked against /models at ${catalog.baseUrl} (${catalog.fromCache ? 'cached list' : 'fetched'} ${catalog.fetchedAt})`);
    reportPreflight(preflight(jobs, catalog.models, { strictParams: options.strictParams, baseUrl: catalog.baseUrl }), logger);
  }
  const expectTokens = options.expectTokens ?? DEFAULT_EXPECT_TOKENS;
  const plan = catalog ? buildPlan(jobs, catalog.pricingOf, expectTokens, env.date()) : null;
  // Only a dry run may go on without prices; a budget refuses to guess (budgetFor throws).
  const budget = options.dryRun || settings.max_cost === null ? null : budgetFor(settings.max_cost, jobs, catalog ? catalog.pricingOf : null, env.date);
  return { configPath, suite, settings, apiKey, logger, matrix, jobs, gates, after, catalog, plan, expectTokens, budget };
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

function flagsOf(options: RunOptions) {
  const flags: Record<string, unknown> = {};
  if (options.baseUrl !== undefined) flags.base_url = options.baseUrl;
  if (options.concurrency !== undefined) flags.concurrency = options.concurrency;
  if (options.maxCost !== undefined) flags.max_cost = options.maxCost;
  if (options.logLevel !== undefined) flags.log_level = options.logLevel;
  return flags;
}
