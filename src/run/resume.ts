// `agent-lab resume DIR`: the run command again, rebuilt from the options DIR/run.json recorded
// (run/options.ts ReplayOptions), so an operator or a cron job needs only the folder. Equivalent
// to `agent-lab run SUITE --resume DIR` with the original options; options given to resume win.
import { resolve } from 'node:path';
import type { Gates } from '../ci/gates.js';
import type { MatrixFilter } from '../config/matrix.js';
import type { LogLevel } from '../log.js';
import { ConfigError } from '../errors.js';
import { readRunInfo, type RunInfo } from '../store/run-info.js';
import type { Params } from '../types/job.js';
import type { ReplayOptions, RunOptions } from './options.js';

export async function resumeOptions(dir: string, given: Partial<RunOptions>, cwd: string): Promise<RunOptions> {
  const info = await readRunInfo(resolve(cwd, dir));
  const recorded = (info.options as ReplayOptions | undefined) ?? fromInvocation(info as LegacyRunInfo);
  const wins = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  // run.json never holds a password; sending to some other endpoint instead would be worse than asking.
  if (recorded.baseUrl?.includes('[REDACTED]@') && given.baseUrl === undefined) {
    throw new ConfigError(`${dir}/run.json keeps the base URL without its password (${recorded.baseUrl}): give it again with \`agent-lab resume ${dir} --base-url URL\`.`);
  }
  return { ...recorded, ...wins, resume: dir };
}

/** run.json as agent-lab 0.1 wrote it: the filter and params apart, the other flags in `invocation`. */
interface LegacyRunInfo extends RunInfo {
  filter?: MatrixFilter;
  cli_params?: Params;
  invocation?: {
    config_path: string | null;
    base_url?: string;
    concurrency?: number;
    max_cost?: number;
    log_level?: LogLevel;
    save_responses: boolean;
    gates?: Gates;
    junit?: string;
    strict_params?: true;
    preflight?: false;
  };
}

/** Run folders written before run.json recorded the options whole still resume. */
function fromInvocation(info: LegacyRunInfo): ReplayOptions {
  const recorded = info.invocation;
  return {
    suitePath: info.suite.path,
    configPath: recorded?.config_path ?? undefined,
    mock: info.mock,
    filter: info.filter ?? {},
    params: info.cli_params ?? {},
    saveResponses: recorded?.save_responses ?? false,
    shard: info.shard ? { index: info.shard.index, count: info.shard.count } : undefined,
    gates: recorded?.gates,
    junit: recorded?.junit,
    strictParams: recorded?.strict_params === true,
    preflight: recorded?.preflight !== false,
    baseUrl: recorded?.base_url,
    concurrency: recorded?.concurrency,
    maxCost: recorded?.max_cost,
    logLevel: recorded?.log_level,
  };
}
