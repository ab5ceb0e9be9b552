// run.json: what was run, with which settings — everything needed to reproduce it, and
// nothing secret (the key's *name* is recorded, never its value).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedSuite, Settings } from '../config/resolve.js';
import { ConfigError } from '../errors.js';
import { RUN_FILE } from './write.js';
import type { Gates } from '../ci/gates.js';
import type { ShardInfo } from '../ci/shard.js';

export interface RunInfo {
  agent_lab_version: string;
  run_id: string;
  started_at: string;
  finished_at?: string;
  status?: string;
  node_version: string;
  suite: { name: string; path: string; sha256: string };
  matrix_size: number;
  settings: Settings;
  mock: boolean;
  filter: unknown;
  cli_params: unknown;
  /** The rest of the command line, so `agent-lab resume DIR` runs the same command again. */
  invocation?: Invocation;
  /** Present when the run was one shard of the matrix (`--shard i/n`); matrix_size is the whole matrix's. */
  shard?: ShardInfo;
}

export interface Invocation {
  /** Absolute path of the config file used, or null when there was none. */
  config_path: string | null;
  base_url?: string;
  concurrency?: number;
  max_cost?: number;
  log_level?: string;
  save_responses: boolean;
  /** Gate flags and --junit, so a resumed CI run gates and reports as the first one would have. */
  gates?: Gates;
  junit?: string;
  /** --strict-params changes every job's params (provider.require_parameters), so its job ids too. */
  strict_params?: true;
  /** --no-preflight: the endpoint may have no /models to check against. */
  preflight?: false;
}

export function runInfo(input: {
  runId: string;
  startedAt: string;
  suite: ResolvedSuite;
  settings: Settings;
  options: { mock?: boolean; filter?: unknown; params?: unknown };
  jobs: number;
  version: string;
  invocation?: Invocation;
}): RunInfo {
  return {
    agent_lab_version: input.version,
    run_id: input.runId,
    started_at: input.startedAt,
    node_version: process.versions.node,
    suite: { name: input.suite.name, path: input.suite.path, sha256: input.suite.sha256 },
    matrix_size: input.jobs,
    settings: input.settings,
    mock: Boolean(input.options.mock),
    filter: input.options.filter ?? {},
    cli_params: input.options.params ?? {},
    ...(input.invocation ? { invocation: input.invocation } : {}),
  };
}

export async function readRunInfo(dir: string): Promise<RunInfo> {
  try {
    return JSON.parse(await readFile(join(dir, RUN_FILE), 'utf8')) as RunInfo;
  } catch (error) {
    throw new ConfigError(`${dir} is not a run folder agent-lab can resume (${RUN_FILE}: ${(error as Error).message}).`);
  }
}
