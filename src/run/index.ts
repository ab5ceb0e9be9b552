// The main job, readable in one function: prepare (load → resolve → expand → preflight) →
// open the run folder → execute → finish (aggregate → report → gates). Each stage is a file in
// src/run/; this one only puts them in order.
import type { Env } from '../env.js';
import { ConfigError, EXIT, type ExitCode } from '../errors.js';
import type { RunPlan } from '../money/estimate.js';
import type { Gates } from '../ci/gates.js';
import type { LogLevel } from '../log.js';
import type { MatrixFilter } from '../config/matrix.js';
import { renderPlanJson, renderPlanTable } from '../money/plan-table.js';
import { summarize } from '../stats/aggregate.js';
import { executeRun } from './execute.js';
import { finishRun } from './finish.js';
import { openRun } from './open.js';
import { prepareRun, type PreparedRun } from './prepare.js';
import type { Shard } from '../ci/shard.js';
import type { Params } from '../types/job.js';
import type { RunStatus, RunSummary } from '../types/summary.js';
import { WARN } from '../warnings.js';

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
  const run = await prepareRun(options, env);
  if (options.dryRun) return printPlan(run, options, env);
  if (run.plan) run.logger.info(WARN.estimateLine(run.plan, run.settings.max_cost));
  const opened = await openRun(run, options, env);
  const executed = await executeRun(run, opened, options, env);
  return finishRun(run, opened, executed, options, env);
}

export { exitCodeFor } from '../ci/gates.js';

/** `plan` and `run --dry-run`: the matrix, estimated tokens and cost range; nothing is sent or written. */
function printPlan(run: PreparedRun, options: RunOptions, env: Env): RunReport {
  if (!run.plan) throw new ConfigError('A plan needs the prices from /models: drop --no-preflight.');
  env.stdout.write(options.json ? renderPlanJson(run.plan, run.settings.max_cost) : renderPlanTable(run.plan, run.settings.max_cost));
  const now = env.date().toISOString();
  const summary = summarize([], { run_id: '', suite: run.suite.name, started_at: now, finished_at: now, status: 'ok' });
  return { exitCode: EXIT.ok, status: 'ok', outDir: '', plan: run.plan, summary };
}
