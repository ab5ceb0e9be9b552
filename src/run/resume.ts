// `agent-lab resume DIR`: the run command again, rebuilt from DIR/run.json, so an operator
// (or a cron job) needs only the folder. Equivalent to `agent-lab run SUITE --resume DIR` with
// the original filters, params and flags; flags given to resume win over the recorded ones.
import { resolve } from 'node:path';
import type { LogLevel } from '../log.js';
import type { MatrixFilter } from '../config/matrix.js';
import { readRunInfo } from '../store/run-info.js';
import type { RunOptions } from './index.js';
import type { Params } from '../types/job.js';

export interface ResumeFlags {
  retryErrors?: boolean;
  force?: boolean;
  baseUrl?: string;
  concurrency?: number;
  maxCost?: number;
  logLevel?: LogLevel;
}

export async function resumeOptions(dir: string, flags: ResumeFlags, cwd: string): Promise<RunOptions> {
  const info = await readRunInfo(resolve(cwd, dir));
  const recorded = info.invocation;
  return {
    suitePath: info.suite.path,
    configPath: recorded?.config_path ?? undefined,
    mock: info.mock,
    filter: (info.filter ?? {}) as MatrixFilter,
    params: (info.cli_params ?? {}) as Params,
    saveResponses: recorded?.save_responses ?? false,
    // A shard folder resumes as the same shard; its gates and JUnit file come back too.
    shard: info.shard ? { index: info.shard.index, count: info.shard.count } : undefined,
    gates: recorded?.gates,
    junit: recorded?.junit,
    // Same job ids (strict params are part of each job's params) and the same preflight.
    strictParams: recorded?.strict_params === true,
    preflight: recorded?.preflight !== false,
    baseUrl: flags.baseUrl ?? recorded?.base_url,
    concurrency: flags.concurrency ?? recorded?.concurrency,
    maxCost: flags.maxCost ?? recorded?.max_cost,
    logLevel: flags.logLevel ?? (recorded?.log_level as LogLevel | undefined),
    resume: dir,
    retryErrors: Boolean(flags.retryErrors),
    force: Boolean(flags.force),
  };
}
