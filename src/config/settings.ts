// The run's settings: defaults < config file < environment < suite < flags, each checked by the
// config schema and reported with where it came from. Pure.
import { ConfigError, type Issue } from '../errors.js';
import type { LogLevel } from '../log.js';
import type { Arrival } from '../types/summary.js';
import { errorMessage } from './issues.js';
import type { ResolvedSuite } from './resolve.js';
import { ConfigSchema, type AgentLabConfig } from './schema.js';

/** The run's settings once every source is applied; recorded in run.json (never the key). */
export interface Settings {
  base_url: string;
  /** Name of the variable that holds the key. */
  api_key_env: string;
  concurrency: number;
  output_dir: string;
  /** Sent as HTTP-Referer; null sends none. */
  app_url: string | null;
  /** Sent as X-Title; null sends none. */
  app_title: string | null;
  timeouts: AgentLabConfig['timeouts'];
  generation: AgentLabConfig['generation'];
  retry: AgentLabConfig['retry'];
  /** USD cap for the run; null means no cap. */
  max_cost: number | null;
  /** Size cap of one response; null derives it from max_tokens. */
  max_response_bytes: number | null;
  log_level: LogLevel;
  /** The response cache is on (README "Response cache"). */
  cache: boolean;
  /** A run over either asks first (run/confirm.ts). */
  confirm_above: AgentLabConfig['confirm_above'];
  /** Requests a second; null: unpaced. */
  request_rate: number | null;
  arrival: Arrival;
  /** Requests sent before the measured jobs. */
  warmup: number;
}

export type SettingsFlags = Partial<{ base_url: string; concurrency: number; output_dir: string; max_cost: number; log_level: LogLevel; cache: boolean; request_rate: number; arrival: Arrival; warmup: number }>;

const ENV = { OPENROUTER_BASE_URL: 'base_url', APP_URL: 'app_url', APP_TITLE: 'app_title' } as const;

/**
 * defaults < config file < environment (OPENROUTER_BASE_URL, APP_URL, APP_TITLE) < suite
 * (concurrency, max_cost) < flags. Values from the environment and flags are checked by the
 * same schema as the config file, and a bad one is reported with where it came from.
 */
export function resolveSettings(
  config: AgentLabConfig,
  env: Record<string, string | undefined>,
  flags: SettingsFlags,
  suite?: Pick<ResolvedSuite, 'concurrency' | 'max_cost' | 'cache' | 'request_rate' | 'arrival' | 'warmup'>,
): Settings {
  const input: Record<string, unknown> = { ...config };
  const from: Record<string, string> = {};
  const set = (key: string, value: unknown, source: string) => {
    if (value === undefined || value === null || value === '') return;
    input[key] = value;
    from[key] = source;
  };
  for (const [variable, key] of Object.entries(ENV)) set(key, env[variable], `environment variable ${variable}`);
  set('concurrency', suite?.concurrency, 'suite');
  set('max_cost', suite?.max_cost, 'suite');
  set('cache', suite?.cache, 'suite');
  for (const key of ['request_rate', 'arrival', 'warmup'] as const) set(key, suite?.[key], 'suite');
  for (const [key, value] of Object.entries(flags)) set(key, value, `command-line option --${key.replace(/_/g, '-')}`);

  const result = ConfigSchema.safeParse(input, { error: errorMessage });
  if (!result.success) {
    const issues: Issue[] = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return { file: from[key] ?? 'config', line: null, column: null, path: issue.path.map(String).join('.'), message: issue.message };
    });
    throw new ConfigError(`Invalid setting${issues.length === 1 ? '' : 's'}:`, issues);
  }
  const c = result.data;
  return {
    base_url: c.base_url,
    api_key_env: c.api_key_env,
    concurrency: c.concurrency,
    output_dir: c.output_dir,
    app_url: c.app_url ?? null,
    app_title: c.app_title ?? null,
    timeouts: c.timeouts,
    generation: c.generation,
    retry: c.retry,
    max_cost: c.max_cost ?? null,
    max_response_bytes: c.max_response_bytes ?? null,
    log_level: c.log_level,
    cache: c.cache,
    confirm_above: c.confirm_above,
    request_rate: c.request_rate ?? null,
    arrival: c.arrival,
    warmup: c.warmup,
  };
}
