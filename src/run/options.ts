// What a caller asks of `runSuite`, in groups, and what it gets back. Only prepare.ts reads
// RunOptions: it resolves them into one RunPlan, which is all the later stages see.
import { resolve } from 'node:path';
import type { CacheMode } from '../cache/mode.js';
import type { Gates } from '../ci/gates.js';
import type { ShardOption } from '../ci/shard-env.js';
import type { Shard } from '../ci/shard.js';
import type { MatrixFilter } from '../config/matrix.js';
import type { MetricsOptions } from '../metrics/targets.js';
import type { ExitCode } from '../errors.js';
import type { LogLevel } from '../log.js';
import type { MockOptions } from '../mock/server.js';
import type { CostPlan } from '../money/plan.js';
import type { Params } from '../types/job.js';
import type { Arrival, RunStatus, RunSummary } from '../types/summary.js';

/** Where the requests go. */
export interface EndpointOptions {
  /** Run against the built-in simulator: no key, no network. */
  mock?: boolean;
  /** Config file (default ./agent-lab.config.yaml when present). */
  configPath?: string;
  /** API base URL; wins over the config file and OPENROUTER_BASE_URL. */
  baseUrl?: string;
  /** How the built-in simulator behaves (tests and the benchmark; no flag sets it). */
  mockOptions?: MockOptions;
}

/** What is run: the suite, the part of its matrix, the request params. */
export interface MatrixOptions {
  suitePath: string;
  filter?: MatrixFilter;
  /** Highest-precedence request params (CLI flags). */
  params?: Params;
  /** Params a model does not list are errors, and provider.require_parameters: true is sent. */
  strictParams?: boolean;
  /** Run only this slice of the matrix (`--shard i/n`), or the slice the environment names (`auto`). */
  shard?: ShardOption;
  /** With `auto` in a Kubernetes Indexed Job: how many pods (JOB_COMPLETION_INDEX says which). */
  shardCount?: number;
  /** false: every request without streaming (`--no-stream`), over the suite's `stream` keys. */
  stream?: boolean;
  /** `--var key=value`: template variables over every other (a row's fields, the suite's `vars`). */
  vars?: Record<string, string>;
  /** `--limit N`: the first N tasks after filters (and after the sample). */
  limit?: number;
  /** `--sample N`: a deterministic random sample of N tasks. */
  sample?: number;
  /** `--sample-seed S` (default 1). */
  sampleSeed?: number;
  /** The suite may name files outside its folder (`--allow-outside-files`). */
  allowOutsideFiles?: boolean;
}

/** How the jobs are sent, and what they may cost. */
export interface ExecOptions {
  concurrency?: number;
  /** Stop before spending more than this (USD). */
  maxCost?: number;
  /** Check the matrix against /models first (default true; `--no-preflight`). */
  preflight?: boolean;
  /** Expected completion tokens per job, for the low cost estimate. */
  expectTokens?: number;
  logLevel?: LogLevel;
  /** Run without asking even above `confirm_above` (`--yes`). */
  yes?: boolean;
  /** `--request-rate`: requests a second, over the suite's and the config's `request_rate`. */
  requestRate?: number;
  /** `--arrival`: constant or poisson gaps between paced requests. */
  arrival?: Arrival;
  /** `--warmup N`: requests sent before the measured jobs. */
  warmup?: number;
}

/** What is written besides the results, and what the exit code is judged on. */
export interface OutputOptions {
  /** Write exactly here (default results/<suite>/<UTC timestamp>/). */
  out?: string;
  /** One Markdown file per job in responses/. */
  saveResponses?: boolean;
  /** Gate thresholds; they override the suite's `gates:` key by key. */
  gates?: Gates;
  /** Write a JUnit XML report here. */
  junit?: string;
}

/** Once the results are final. */
export interface AfterRunOptions {
  /** Compare against this run folder (or summary.json); its gate can make the exit code 3. */
  baseline?: string;
  /** --fail-on rules for the baseline comparison, e.g. `pass_rate<-5pp,cost>+10%`. */
  failOn?: string;
  /** History file (default <output_dir>/history.jsonl); false: do not append. */
  history?: string | false;
}

export type { MetricsOptions } from '../metrics/targets.js';

/** This invocation only: never recorded, so a resume never inherits them. */
export interface ResumeOptions {
  /** Continue the run in this folder. */
  resume?: string;
  retryErrors?: boolean;
  /** Resume even though the suite changed. */
  force?: boolean;
  /** `agent-lab recheck`: send no subject job; evaluate the suite's current checks (judge included) on the answers in the folder. */
  recheck?: boolean;
}

/** The response cache (README "Response cache"). */
export interface CacheOptions {
  /** On (`--cache`) or off (`--no-cache`), over the suite and the config; absent: theirs (or on, with --cache-dir/--cache-mode). */
  cache?: boolean;
  /** The cache folder (default: `responses/` in the cache root). */
  cacheDir?: string;
  /** Default read-write. */
  cacheMode?: CacheMode;
}

export type RunOptions = EndpointOptions & MatrixOptions & ExecOptions & CacheOptions & OutputOptions & AfterRunOptions & MetricsOptions & ResumeOptions;

/** `plan` and `run --dry-run`: a run's options, checked the same way; nothing is sent. */
export type PlanOptions = RunOptions & {
  /** The plan as JSON. */
  json?: boolean;
};

/**
 * What run.json records so that `agent-lab resume DIR` runs the same command again: every
 * option except the folder (resume reads it from there), the simulator's test settings and the
 * per-invocation ones; `--shard auto` is recorded as the slice it resolved to, so a resume on
 * another machine runs the same jobs. A new option is recorded and replayed without being named here.
 */
export type ReplayOptions = Omit<RunOptions, 'out' | 'mockOptions' | 'shardCount' | keyof ResumeOptions>;

/**
 * The replay record, with every path absolute so a resume works from any folder. The suite and
 * the config are the files this run loaded (a config found in cwd is named, not looked for again).
 */
export function replayOf(options: RunOptions, paths: { cwd: string; suite: string; config: string | null }, shard: Shard | null): ReplayOptions {
  const { out: _out, mockOptions: _mock, resume: _resume, retryErrors: _retry, force: _force, recheck: _recheck, shardCount: _count, ...replay } = options;
  const absolute = (path: string | undefined) => (path === undefined ? undefined : resolve(paths.cwd, path));
  return {
    ...replay,
    suitePath: paths.suite,
    shard: shard ?? undefined,
    configPath: paths.config ?? undefined,
    junit: absolute(replay.junit),
    cacheDir: absolute(replay.cacheDir),
    baseline: absolute(replay.baseline),
    history: replay.history === false ? false : absolute(replay.history),
    metricsFile: absolute(replay.metricsFile),
  };
}

export interface RunReport {
  exitCode: ExitCode;
  status: RunStatus;
  outDir: string;
  summary: RunSummary;
  /** The pre-run estimate (null with --no-preflight). */
  plan: CostPlan | null;
}

export interface PlanReport {
  exitCode: ExitCode;
  plan: CostPlan;
}
