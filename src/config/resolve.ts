// Precedence, written once. Params: config < suite < model < task < CLI (mergeParams).
// Settings: defaults < config file < environment < suite < flags (resolveSettings). Pure.
import { createHash } from 'node:crypto';
import { ConfigError, type Issue } from '../errors.js';
import { toCheckSpecs } from '../checks/spec.js';
import type { LogLevel } from '../log.js';
import type { CheckSpec, Message, Params } from '../types/job.js';
import type { Gates } from '../types/summary.js';
import { isRecord } from './fields.js';
import { errorMessage } from './issues.js';
import type { LoadedSuite } from './load.js';
import { ConfigSchema, type AgentLabConfig, type Suite } from './schema.js';

/** Sent when no layer sets max_tokens or max_completion_tokens: an unset cap can hit the 402 trap (wire doc §5.2). */
export const DEFAULT_MAX_TOKENS = 1024;

const isPlain = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

// defineProperty, not `out[key] =`: a `__proto__` key from YAML must stay a plain key.
const put = (out: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });

/** A copy with every `null` removed, at any depth. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) put(out, key, clean(item));
  return out;
}

/**
 * Merge params layers; a later layer wins. Plain objects merge key by key (so `provider` or
 * `reasoning` from the suite and from a task combine), arrays and scalars are replaced, and
 * `null` removes what the earlier layers set. The result holds no nulls.
 */
export function mergeParams(...layers: (Params | undefined | null)[]): Params {
  const merge = (base: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(layer)) {
      if (value === null) delete out[key];
      else if (isPlain(value) && isPlain(out[key])) put(out, key, merge(out[key] as Record<string, unknown>, value));
      else put(out, key, clean(value));
    }
    return out;
  };
  return layers.reduce<Params>((acc, layer) => (layer ? merge(acc, layer) : acc), {});
}

/**
 * The params one job sends: base (config + suite) < model < task < CLI, plus max_tokens when no
 * layer caps the output. With a reasoning budget the default leaves room above it, since
 * max_tokens must exceed `reasoning.max_tokens` (wire doc §1.6).
 */
export function jobParams(base: Params, model: Params, task: Params, cli: Params): Params {
  const params = mergeParams(base, model, task, cli);
  if (params.max_tokens === undefined && params.max_completion_tokens === undefined) {
    const budget = isRecord(params.reasoning) && typeof params.reasoning.max_tokens === 'number' ? params.reasoning.max_tokens : 0;
    params.max_tokens = budget >= DEFAULT_MAX_TOKENS ? budget + DEFAULT_MAX_TOKENS : DEFAULT_MAX_TOKENS;
  }
  return params;
}

export interface ResolvedModel {
  /** Slug sent as `model`. */
  id: string;
  /** Display name (defaults to the slug). */
  label: string;
  params: Params;
}

export interface ResolvedSystemPrompt {
  id: string;
  /** '' means no system message is sent. */
  text: string;
  sha256: string;
}

export interface ResolvedTask {
  id: string;
  /** The task's own messages; the system prompt arm is put in front by the matrix. */
  messages: Message[];
  params: Params;
  /** The suite's checks, then the task's own (empty when neither has any). */
  checks?: CheckSpec[];
}

export interface ResolvedSuite {
  name: string;
  description: string | null;
  /** Absolute path of the suite file. */
  path: string;
  sha256: string;
  repeats: number;
  concurrency: number | null;
  max_cost: number | null;
  /** merge(config.params, suite.params). */
  baseParams: Params;
  models: ResolvedModel[];
  /** In the suite's order (JavaScript puts integer-like ids such as `1` first). */
  systemPrompts: ResolvedSystemPrompt[];
  tasks: ResolvedTask[];
  /** Gate thresholds from the suite's `gates:` (flags override them in run.ts). */
  gates?: Gates;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function resolveSuite(loaded: LoadedSuite, config: AgentLabConfig): ResolvedSuite {
  const { suite, files } = loaded;
  const fileText = (written: string): string => {
    const text = files[written];
    if (text === undefined) throw new Error(`internal: ${written} was not loaded with the suite`);
    return text;
  };
  const checks = (items: Suite['checks']) => toCheckSpecs(items ?? [], (file) => JSON.parse(fileText(file)) as Record<string, unknown>);
  const suiteChecks = checks(suite.checks);
  const prompts = Object.entries(suite.system_prompts ?? { default: '' }).map(([id, prompt]) => {
    const text = typeof prompt === 'string' ? prompt : fileText(prompt.file);
    return { id, text, sha256: sha256(text) };
  });
  return {
    name: suite.name,
    description: suite.description ?? null,
    path: loaded.path,
    sha256: loaded.sha256,
    repeats: suite.repeats ?? 1,
    concurrency: suite.concurrency ?? null,
    max_cost: suite.max_cost ?? null,
    baseParams: mergeParams(config.params, suite.params),
    models: suite.models.map((model) =>
      typeof model === 'string' ? { id: model, label: model, params: {} } : { id: model.id, label: model.label ?? model.id, params: model.params ?? {} },
    ),
    systemPrompts: prompts,
    tasks: suite.tasks.map((task) => ({
      id: task.id,
      messages:
        task.messages?.map((m) => ({ ...m })) ??
        [{ role: 'user' as const, content: task.prompt ?? fileText(task.prompt_file ?? '') }],
      params: task.params ?? {},
      checks: [...suiteChecks, ...checks(task.checks)],
    })),
    gates: { ...suite.gates },
  };
}

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
  /** A run over either asks first (run/confirm.ts). */
  confirm_above: AgentLabConfig['confirm_above'];
}

export type SettingsFlags = Partial<{ base_url: string; concurrency: number; output_dir: string; max_cost: number; log_level: LogLevel }>;

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
  suite?: Pick<ResolvedSuite, 'concurrency' | 'max_cost'>,
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
    confirm_above: c.confirm_above,
  };
}
