// run.json: everything needed to reproduce a run and nothing secret (the key's name, never its value).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedSuite } from '../config/resolve.js';
import type { Settings } from '../config/settings.js';
import { ConfigError } from '../errors.js';
import { redact } from '../log.js';
import { RUN_FILE, writeAtomic } from './write.js';
import type { Coverage, ShardInfo } from '../ci/shard.js';
import type { RunStatus } from '../types/summary.js';

export interface RunInfo<Options = unknown> {
  agent_lab_version: string;
  run_id: string;
  started_at: string;
  node_version: string;
  suite: { name: string; path: string; sha256: string };
  matrix_size: number;
  settings: Settings;
  mock: boolean;
  /** The command's options (paths absolute), so `agent-lab resume DIR` runs it again. */
  options?: Options;
  /** Present when the run was one shard of the matrix (`--shard i/n`); matrix_size is the whole matrix's. */
  shard?: ShardInfo;
  status: RunStatus | 'running';
  finished_at?: string;
  throttles?: number;
  /** Set by `agent-lab merge`: the shard folders it combined, and whether they cover the matrix. */
  merged_from?: { dir: string; run_id: string; shard: string | null; status: string | null; rows: number }[];
  coverage?: Omit<Coverage, 'overlaps' | 'problems'>;
}

export interface RunStart<Options> {
  runId: string;
  startedAt: string;
  suite: ResolvedSuite;
  settings: Settings;
  mock: boolean;
  options: Options;
  /** The whole matrix's, even for a shard. */
  matrixSize: number;
  shard?: ShardInfo;
  version: string;
}

/** A URL's `user:password@` becomes `[REDACTED]@`: run.json is shared, copied and committed. */
const withoutPassword = <T>(value: T): T => (typeof value === 'string' ? (redact(value) as T) : value);

export function runInfo<Options>(input: RunStart<Options>): RunInfo<Options> {
  const options = input.options as Options & { baseUrl?: unknown };
  return {
    agent_lab_version: input.version,
    run_id: input.runId,
    started_at: input.startedAt,
    node_version: process.versions.node,
    suite: { name: input.suite.name, path: input.suite.path, sha256: input.suite.sha256 },
    matrix_size: input.matrixSize,
    settings: { ...input.settings, base_url: withoutPassword(input.settings.base_url) },
    mock: input.mock,
    options: options && typeof options === 'object' && 'baseUrl' in options ? { ...options, baseUrl: withoutPassword(options.baseUrl) } : options,
    ...(input.shard ? { shard: input.shard } : {}),
    status: 'running',
  };
}

export function endedRunInfo<Options>(info: RunInfo<Options>, end: { status: RunStatus; finished_at: string; throttles: number }): RunInfo<Options> {
  return { ...info, ...end };
}

export async function writeRunInfo(dir: string, info: RunInfo): Promise<void> {
  await writeAtomic(join(dir, RUN_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

export async function readRunInfo(dir: string): Promise<RunInfo> {
  try {
    return JSON.parse(await readFile(join(dir, RUN_FILE), 'utf8')) as RunInfo;
  } catch (error) {
    throw new ConfigError(`${dir} is not a run folder agent-lab can resume (${RUN_FILE}: ${(error as Error).message}).`);
  }
}
