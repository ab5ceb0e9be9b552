// OpenRouter chat request fields (docs: ../shared/docs/openrouter-wire.md §6, §1.6).
// Known fields are validated; unknown ones pass through to the API, because OpenRouter adds
// fields faster than we could list them. Every field accepts `null`: in a params layer it
// means "unset what an earlier layer set" (see mergeParams in resolve.ts).
import { closest, distance } from 'fastest-levenshtein';
import * as z from 'zod';
import type { Issue } from '../errors.js';
import { bool, forbidden, intFrom, intIn, numberIn, oneOf, present, strings, text, typeError } from './fields.js';
import { errorMessage } from './issues.js';

/** Accept null (unset) and absence on every field of a params layer. */
function layer<S extends Record<string, z.ZodType>>(shape: S): { [K in keyof S]: z.ZodOptional<z.ZodNullable<S[K]>> } {
  const out: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) out[key] = schema.nullable().optional();
  return out as { [K in keyof S]: z.ZodOptional<z.ZodNullable<S[K]>> };
}

export const EFFORTS = ['max', 'xhigh', 'high', 'medium', 'low', 'minimal', 'none'] as const;

export const ReasoningSchema = z.strictObject(
  layer({
    effort: oneOf('effort', EFFORTS),
    max_tokens: intFrom('max_tokens', 1),
    exclude: bool('exclude'),
    enabled: bool('enabled'),
    summary: oneOf('summary', ['auto', 'concise', 'detailed']),
  }),
  { error: typeError('Expected `reasoning` to be a mapping like { effort: medium }') },
);

const SORTS = ['price', 'throughput', 'latency', 'exacto'] as const;
const sortError = 'Expected `sort` to be one of `price`, `throughput`, `latency`, `exacto`, or { by, partition }';
const price = (name: string) => {
  const error = `Expected \`${name}\` to be a price from 0 and up (USD per million tokens)`;
  return z.number({ error: present(error) }).min(0, { error });
};

export const ProviderSchema = z.strictObject(
  layer({
    order: strings('order'),
    only: strings('only'),
    ignore: strings('ignore'),
    allow_fallbacks: bool('allow_fallbacks'),
    require_parameters: bool('require_parameters'),
    sort: z.union([z.enum(SORTS, { error: sortError }), z.strictObject({ by: oneOf('by', SORTS), partition: oneOf('partition', ['model', 'none']).optional() })], {
      error: sortError,
    }),
    data_collection: oneOf('data_collection', ['allow', 'deny']),
    quantizations: strings('quantizations'),
    zdr: bool('zdr'),
    max_price: z.strictObject(layer({ prompt: price('prompt'), completion: price('completion'), request: price('request'), image: price('image') })),
    preferred_min_throughput: z.union([z.number().min(0), z.record(z.string(), z.number().min(0))]),
    preferred_max_latency: z.union([z.number().min(0), z.record(z.string(), z.number().min(0))]),
    enforce_distillable_text: bool('enforce_distillable_text'),
  }),
  { error: typeError('Expected `provider` to be a mapping like { order: [anthropic], allow_fallbacks: false }') },
);

const ResponseFormatSchema = z
  .looseObject({
    type: oneOf('type', ['text', 'json_object', 'json_schema']),
    json_schema: z.looseObject({ name: text('name'), strict: bool('strict').optional(), schema: z.record(z.string(), z.unknown()).optional() }).optional(),
  })
  .refine((format) => format.type !== 'json_schema' || format.json_schema !== undefined, {
    error: 'A `response_format` of type `json_schema` needs a `json_schema: { name, schema }` mapping',
  });

const stopError = 'Expected `stop` to be a string or a list of up to 4 strings';

const known = layer({
  temperature: numberIn('temperature', 0, 2),
  top_p: numberIn('top_p', 0, 1),
  top_k: intFrom('top_k', 0),
  max_tokens: intFrom('max_tokens', 1),
  max_completion_tokens: intFrom('max_completion_tokens', 1),
  seed: z.int({ error: present('Expected `seed` to be a whole number') }),
  stop: z.union([z.string(), z.array(z.string({ error: present(stopError) })).max(4, { error: stopError })], { error: stopError }),
  frequency_penalty: numberIn('frequency_penalty', -2, 2),
  presence_penalty: numberIn('presence_penalty', -2, 2),
  repetition_penalty: numberIn('repetition_penalty', 0, 2),
  min_p: numberIn('min_p', 0, 1),
  top_a: numberIn('top_a', 0, 1),
  logit_bias: z.record(z.string(), numberIn('logit_bias', -100, 100)),
  logprobs: bool('logprobs'),
  top_logprobs: intIn('top_logprobs', 0, 20),
  reasoning: ReasoningSchema,
  reasoning_effort: oneOf('reasoning_effort', EFFORTS),
  include_reasoning: bool('include_reasoning'),
  provider: ProviderSchema,
  response_format: ResponseFormatSchema,
  plugins: z.array(z.looseObject({ id: text('id') }), { error: typeError('Expected `plugins` to be a list like [{ id: context-compression, enabled: false }]') }),
  transforms: strings('transforms'),
  tools: z.array(z.looseObject({}), { error: typeError('Expected `tools` to be a list of tool definitions') }),
  tool_choice: z.union([z.string(), z.looseObject({})]),
  parallel_tool_calls: bool('parallel_tool_calls'),
  user: text('user'),
  session_id: text('session_id').max(256),
  service_tier: oneOf('service_tier', ['auto', 'default', 'flex', 'priority', 'scale', 'fast']),
});

/** Set by agent-lab itself for every job; a value here would be overwritten or would lie. */
const reserved = {
  model: forbidden('`model` does not belong in params: each job sets it from the suite\'s `models` list'),
  models: forbidden(
    '`models` is a fallback list: OpenRouter would silently answer with another model on any error and the benchmark would lie. List each model under the suite\'s `models` instead',
  ),
  messages: forbidden('`messages` does not belong in params: a task sets them with `prompt`, `messages` or `prompt_file`'),
  stream: forbidden('`stream` does not belong in params: set `stream: false` on the suite, a model or a task (or pass --no-stream) to send requests without streaming'),
  api_key: forbidden('The API key never lives in a file: set it in the environment (OPENROUTER_API_KEY by default)'),
};

const KNOWN_KEYS = Object.keys(known);
const squash = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * An unknown key that is a near miss of a known one (`temprature`, `max-tokens`, `topP`) is
 * almost surely a typo. Passed through, the API would ignore it and the run would silently
 * measure the provider's defaults, so it is an error. Other unknown keys pass through.
 */
export function nearMiss(key: string): string | null {
  if (key in known || key in reserved) return null;
  const match = closest(key, KNOWN_KEYS);
  const same = KNOWN_KEYS.find((k) => squash(k) === squash(key));
  if (same) return same;
  return key.length >= 6 && distance(key, match) <= 2 ? match : null;
}

export const ParamsSchema = z
  .object({ ...known, ...reserved }, { error: typeError('Expected `params` to be a mapping of request fields like { temperature: 0, max_tokens: 256 }') })
  .catchall(z.unknown())
  .superRefine(
    (params, ctx) => {
      if (typeof params !== 'object' || params === null) return;
      for (const key of Object.keys(params)) {
        const match = nearMiss(key);
        if (match) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `Unknown param \`${key}\`: the API would ignore it`,
            params: { hint: `did you mean \`${match}\`?`, at: 'key' },
          });
        }
      }
    },
    { when: () => true },
  )
  // An id makes the editor schema define params once and refer to it from every layer.
  .meta({ id: 'params', title: 'Request params', description: 'OpenRouter chat request fields; unknown ones are sent as is. null unsets an inherited value.' });

/** One params layer as written (config, suite, model or task); `null` unsets. */
export type ParamsLayer = z.infer<typeof ParamsSchema>;

/**
 * Params set on the command line (--param, --temperature, ...), checked like a params layer in a
 * file: `--param model=…` or `--param stream=false` must not get past the ban either.
 */
export function flagParamIssues(params: Record<string, unknown>): Issue[] {
  const result = ParamsSchema.safeParse(params, { error: errorMessage });
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const hint = (issue as { params?: { hint?: unknown } }).params?.hint;
    return { file: 'command-line option --param', line: null, column: null, path: issue.path.map(String).join('.'), message: issue.message, ...(typeof hint === 'string' ? { hint } : {}) };
  });
}
