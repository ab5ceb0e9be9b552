// Precedence, written once. Params: config < suite < model < task < CLI (mergeParams).
// Settings: defaults < config file < environment < suite < flags (resolveSettings). Pure.
// `stream`: suite < model < task < --no-stream (config/matrix.ts).
import type { CheckSpec, Message, Params, Vars } from '../types/job.js';
import type { Arrival, Gates } from '../types/summary.js';
import { isRecord } from './fields.js';
import type { LoadedSuite } from './load.js';
import type { AgentLabConfig } from './schema.js';
import type { FileRules } from './files.js';
import { compileSuite, type ResolvedSystemPrompt } from './compile.js';
import type { TaskEntry } from './entry.js';
import { providerArms, type ResolvedModel } from './providers.js';

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

export type { ResolvedModel } from './providers.js';

export type { ResolvedSystemPrompt } from './compile.js';

/** One task as sent: an entry of `tasks:` rendered for one row, images read. */
export interface ResolvedTask {
  id: string;
  /** The task's own messages; the system prompt arm is put in front by the matrix. */
  messages: Message[];
  params: Params;
  /** The suite's checks, then the task's own (empty when neither has any). */
  checks?: CheckSpec[];
  /** The variables its templates were rendered with. */
  vars: Vars;
  /** Its entry in the suite's `tasks:` (config/entry.ts). */
  entry: number;
  /** Each system prompt arm rendered with `vars`, in systemPrompts' order. */
  system: { text: string; sha256: string }[];
  /** The task's own `stream`; absent: the model's, then the suite's. */
  stream?: boolean;
  /** The task's own `repeats`; absent: the suite's. */
  repeats?: number;
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
  /** The suite's `tasks:`, compiled: plain tasks and datasets, rendered row by row (config/tasks.ts). */
  entries: TaskEntry[];
  /** The suite's `vars`: the lowest-precedence variables. */
  vars: Vars;
  /** Largest image file a task may send, bytes. */
  maxImageBytes: number;
  /** Where the files a suite names may be (config/files.ts): images are checked against it as rows are read. */
  fileRules: FileRules;
  /** Gate thresholds from the suite's `gates:` (flags override them in run.ts). */
  gates?: Gates;
  /** The suite's `stream` (absent: streamed); a model's and a task's own win, --no-stream over all. */
  stream?: boolean;
  /** The suite's `cache`; null: the config's (then --cache/--no-cache). */
  cache?: boolean | null;
  /** Every repeat of a job may share one cached answer. */
  cache_repeats?: boolean;
  /** The suite's load keys (null: the config's, then the flags'). */
  request_rate?: number | null;
  arrival?: Arrival | null;
  warmup?: number | null;
}

/** Images larger than this are refused before anything is sent, unless the suite sets `max_image_bytes`. */
export const DEFAULT_MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export function resolveSuite(loaded: LoadedSuite, config: AgentLabConfig): ResolvedSuite {
  const { suite } = loaded;
  const { systemPrompts: prompts, entries } = compileSuite(loaded);
  return {
    name: suite.name,
    description: suite.description ?? null,
    path: loaded.path,
    sha256: loaded.sha256,
    repeats: suite.repeats ?? 1,
    concurrency: suite.concurrency ?? null,
    max_cost: suite.max_cost ?? null,
    baseParams: mergeParams(config.params, suite.params),
    models: suite.models.flatMap((model) =>
      typeof model === 'string'
        ? [{ id: model, label: model, params: {} }]
        : providerArms({ id: model.id, label: model.label ?? model.id, params: model.params ?? {}, stream: model.stream } as ResolvedModel, model.providers),
    ),
    systemPrompts: prompts,
    entries,
    vars: suite.vars ?? {},
    maxImageBytes: suite.max_image_bytes ?? DEFAULT_MAX_IMAGE_BYTES,
    fileRules: loaded.fileRules ?? { base: loaded.dir, allowOutside: false },
    gates: { ...suite.gates },
    stream: suite.stream,
    cache: suite.cache ?? null,
    cache_repeats: suite.cache_repeats ?? false,
    request_rate: suite.request_rate ?? null,
    arrival: suite.arrival ?? null,
    warmup: suite.warmup ?? null,
  };
}
