// The suite and config file formats: one zod schema each, the single source of truth for
// validation, TypeScript types and the editor JSON Schema (schema/suite.schema.json).
import * as z from 'zod';
import { bool, id, intFrom, intIn, isRecord, numberIn, oneOf, positive, present, strings, text, typeError } from './fields.js';
import { ParamsSchema } from './params.js';
import { MAX_CONCURRENCY, MAX_WARMUP } from './config-schema.js';
import { ChecksSchema, JudgeDefaultsSchema } from '../checks/schema.js';
import { ROLES } from '../types/job.js';
import { ARRIVALS, type GateKey } from '../types/summary.js';

export { ParamsSchema, type ParamsLayer } from './params.js';
export { ConfigSchema, MAX_TIMER_MS, type AgentLabConfig, type ConfigInput } from './config-schema.js';

export const PROMPT_KEYS = ['prompt', 'messages', 'prompt_file'] as const;
const streamKey = (where: string) =>
  bool('stream').optional().meta({ description: `false: ${where} sent without streaming and read as one JSON answer (ttft, ttfc and itl are then null). Default true.` });
const nameError =
  'Expected `name` to be 1 to 100 letters, digits, `.`, `_` or `-`, starting with a letter or digit (it becomes the results folder name)';

export const MessageSchema = z.strictObject({
  role: oneOf('role', ROLES),
  content: z.string({ error: present('Expected `content` to be a string') }),
});

export const ModelSchema = z.union(
  [
    id('model').meta({ description: 'Model slug, e.g. openai/gpt-4o-mini.' }),
    z.strictObject({
      id: id('id').meta({ description: 'Model slug as the API knows it.' }),
      label: text('label').optional().meta({ description: 'Display name in reports (default: the slug).' }),
      params: ParamsSchema.optional().meta({ description: 'Params for this model; override the suite params.' }),
      stream: streamKey("this model's requests are"),
      providers: strings('providers')
        .min(1, { error: 'Expected `providers` to list at least one provider slug' })
        .refine((list) => new Set(list).size === list.length, { error: 'Expected `providers` to list each provider once' })
        .optional()
        .meta({ description: 'Provider slugs (OpenRouter `endpoints[].tag`, e.g. deepinfra, groq): one arm per provider, labelled `label@provider`, pinned with provider.only and allow_fallbacks: false.' }),
    }),
  ],
  { error: 'Expected a model to be a slug like `openai/gpt-4o-mini` or a mapping like { id: openai/gpt-4o-mini, label: mini }' },
);

const TEMPLATE_TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const DATASET_FILE = /\.(csv|jsonl|ndjson|json|ya?ml)$/i;
const idError = 'Expected `id` to be a non-empty string without spaces (spaces inside `{{ }}` are fine)';

/** Template variables: any YAML values, used as `{{ name }}` in prompts, ids, images and checks. */
export const VarsSchema = z
  .record(z.string(), z.unknown(), { error: typeError('Expected `vars` to be a mapping of names to values, like { lang: French }') })
  .meta({ description: 'Template variables, used as {{ name }} in prompts, messages, system prompts, ids, images and check arguments.' });

export const TaskSchema = z
  .strictObject(
    {
      // Whitespace inside a template tag (`q-{{ qid }}`) is not in the rendered id; the rendered id is checked per row.
      id: z
        .string({ error: present(idError) })
        .refine((value) => /^\S+$/.test(value.replace(TEMPLATE_TAG, 'x')), { error: idError })
        .optional()
        .meta({ description: 'Task id (a template for a dataset: one id per row). Required without `from`; a dataset defaults to the row\'s `id` field, else <file stem>-<row number>.' }),
      from: text('from')
        .refine((value) => DATASET_FILE.test(value), { error: 'Expected `from` to name a .csv (with a header row), .jsonl, .json (an array of objects) or .yaml (a list of mappings) file' })
        .optional()
        .meta({ description: "A dataset: one task per row (.csv with a header row, .jsonl, .json array, .yaml list); relative to the suite's folder. The row's fields are template variables." }),
      vars: VarsSchema.optional().meta({ description: "Variables for this task (a dataset row's own fields win over them)." }),
      images: strings('images')
        .optional()
        .meta({ description: 'Images sent with the last user message: local paths (relative to the dataset file, else the suite), http(s): or data: URLs; templates.' }),
      prompt: text('prompt').optional().meta({ description: 'Sent as one user message.' }),
      messages: z
        .array(MessageSchema, { error: typeError('Expected `messages` to be a list of { role, content }') })
        .min(1, { error: 'Expected `messages` to have at least one message' })
        .optional()
        .meta({ description: 'A conversation sent as is (the system prompt arm is put in front).' }),
      prompt_file: text('prompt_file').optional().meta({ description: "A file whose content is sent as one user message; relative to the suite's folder." }),
      params: ParamsSchema.optional().meta({ description: 'Params for this task; override suite and model params.' }),
      checks: ChecksSchema.optional(),
      stream: streamKey("this task's requests are"),
      repeats: intIn('repeats', 1, 1_000_000).optional().meta({ description: "Times this task (each row, for a dataset) is run per model × system prompt; overrides the suite's `repeats`." }),
      tools: z
        .union([z.array(z.looseObject({}), { error: typeError('Expected `tools` to be a list of tool definitions') }), z.strictObject({ file: text('file') })], {
          error: 'Expected `tools` to be a list of OpenAI function definitions or { file: tools.json }',
        })
        .optional()
        .meta({ description: "Tools the model may call (OpenAI function definitions), sent as the request's `tools`; inline, or { file } (a JSON array, relative to the suite's folder)." }),
      tool_choice: z
        .union([z.string(), z.looseObject({})], { error: 'Expected `tool_choice` to be auto, none, required or { type: function, function: { name } }' })
        .optional()
        .meta({ description: "Sent as the request's `tool_choice`." }),
    },
    { error: typeError('Expected a task to be a mapping like { id: capital, prompt: What is the capital of France? }') },
  )
  .superRefine(
    (task, ctx) => {
      if (!isRecord(task)) return;
      if (task.id === undefined && task.from === undefined) ctx.addIssue({ code: 'custom', path: ['id'], message: 'Missing required key `id` (only a dataset, with `from`, may leave it out)' });
      const given = PROMPT_KEYS.filter((key) => task[key] !== undefined);
      if (given.length === 0) {
        ctx.addIssue({ code: 'custom', path: [], message: 'A task needs one of `prompt`, `messages` or `prompt_file`' });
      }
      if (given.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [given[1]!],
          params: { at: 'key' },
          message: `A task has one of \`prompt\`, \`messages\` or \`prompt_file\`, and this one has ${given.map((k) => `\`${k}\``).join(' and ')}: keep one`,
        });
      }
    },
    { when: () => true },
  );

/** Run-level pass/fail thresholds (ci/gates.ts); the `run` flags of the same names override them. */
export const GatesSchema = z
  .strictObject(
    {
      min_pass_rate: numberIn('min_pass_rate', 0, 1).optional().meta({ description: 'Each model × system prompt passes at least this share of its checked jobs (0–1).' }),
      max_total_cost: positive('max_total_cost', ' of USD').optional().meta({ description: 'The whole run costs at most this many USD.' }),
      max_p95_latency_ms: positive('max_p95_latency_ms', ' of ms').optional().meta({ description: 'Each model × system prompt has a p95 latency of at most this.' }),
      min_slo_met_rate: numberIn('min_slo_met_rate', 0, 1).optional().meta({ description: 'Each model × system prompt meets its speed checks on at least this share of the requests judged (0–1).' }),
      max_p95_ttft_ms: positive('max_p95_ttft_ms', ' of ms').optional().meta({ description: 'Each model × system prompt has a p95 TTFT of at most this.' }),
      max_p95_itl_ms: positive('max_p95_itl_ms', ' of ms').optional().meta({ description: 'Each model × system prompt has a p95 inter-token latency of at most this.' }),
      min_p50_output_tps: positive('min_p50_output_tps', ' of tokens/s').optional().meta({ description: 'Each model × system prompt has a median output speed of at least this many tokens/s.' }),
      min_task_pass_rate: numberIn('min_task_pass_rate', 0, 1).optional().meta({ description: 'Every task of each model × system prompt passes at least this share of its repeats (0–1).' }),
      max_flaky_tasks: intFrom('max_flaky_tasks', 0).optional().meta({ description: 'Each model × system prompt has at most this many flaky tasks (passed some repeats, failed others).' }),
      min_pass_hat_k: z
        .strictObject(
          { k: intFrom('k', 1).meta({ description: 'Attempts that must all pass.' }), value: numberIn('value', 0, 1).meta({ description: 'The lowest mean pass^k allowed (0–1).' }) },
          { error: typeError('Expected `min_pass_hat_k` to be a mapping like { k: 3, value: 0.8 }') },
        )
        .optional()
        .meta({ description: 'Each model × system prompt has a mean pass^k (all k repeats pass, unbiased) of at least `value` over the tasks run at least k times.' }),
    } satisfies Record<GateKey, z.ZodType>,
    { error: typeError('Expected `gates` to be a mapping like { min_pass_rate: 0.9 }') },
  )
  .meta({ description: 'Gates: a failed one makes `run` exit 3.' });

const promptId = z.string().regex(/^\S+$/, { error: 'Expected a system prompt id to be a non-empty string without spaces' });
const SystemPromptSchema = z.union([z.string(), z.strictObject({ file: text('file') })], {
  error: "Expected a system prompt to be a string ('' for none) or { file: path }",
});

export const SuiteSchema = z
  .strictObject(
    {
      name: z.string({ error: present(nameError) }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { error: nameError }).meta({ description: 'Suite name; names the results folder.' }),
      description: z.string({ error: present('Expected `description` to be a string') }).optional(),
      models: z
        .array(ModelSchema, { error: typeError('Expected `models` to be a list of model slugs') })
        .min(1, { error: 'Expected `models` to list at least one model' })
        .meta({ description: 'Models to compare: slugs, or { id, label, params }.' }),
      system_prompts: z
        .record(promptId, SystemPromptSchema, { error: typeError('Expected `system_prompts` to be a mapping of id to prompt text or { file }') })
        .refine((map) => Object.keys(map).length > 0, { error: 'Expected `system_prompts` to have at least one entry; leave it out to run without a system prompt' })
        .optional()
        .meta({ description: "System prompt arms: id → text or { file }. '' is the no-system-prompt arm. Default: one arm `default` = ''." }),
      vars: VarsSchema.optional(),
      tasks: z
        .array(TaskSchema, { error: typeError('Expected `tasks` to be a list of { id, prompt | messages | prompt_file }') })
        .min(1, { error: 'Expected `tasks` to list at least one task' })
        .meta({ description: 'Tasks: each has an id (or a dataset, `from`) and exactly one of prompt, messages or prompt_file.' }),
      params: ParamsSchema.optional().meta({ description: 'Request params for every job (temperature, max_tokens, seed, reasoning, provider…).' }),
      repeats: intIn('repeats', 1, 1_000_000).optional().meta({ description: 'Times each task × model × system prompt is run (default 1).' }),
      concurrency: intIn('concurrency', 1, MAX_CONCURRENCY).optional().meta({ description: 'Requests in flight at once (overrides the config file).' }),
      max_cost: positive('max_cost', ' of USD').optional().meta({ description: 'Stop sending jobs once this many USD are spent.' }),
      checks: ChecksSchema.optional().meta({ description: "Checks applied to every task, before each task's own checks." }),
      gates: GatesSchema.optional(),
      stream: streamKey('every request is'),
      cache: bool('cache').optional().meta({ description: 'Answer jobs from the response cache and store new answers (README "Response cache"); overrides the config, `--cache`/`--no-cache` override it.' }),
      cache_repeats: bool('cache_repeats')
        .optional()
        .meta({ description: 'true: every repeat of a job may be answered by one cached answer. Default false: each repeat has its own entry (repeats measure variance).' }),
      request_rate: positive('request_rate', ' of requests a second').optional().meta({ description: 'Send at most this many requests a second (still capped by concurrency); overrides the config, `--request-rate` overrides it.' }),
      arrival: oneOf('arrival', ARRIVALS).optional().meta({ description: 'With request_rate: `constant` (evenly spaced, the default) or `poisson` (exponential gaps).' }),
      warmup: intIn('warmup', 0, MAX_WARMUP).optional().meta({ description: 'Requests sent first, round the models of the run, before the measured jobs: in no statistic, but paid for and counted by the budget.' }),
      max_image_bytes: intFrom('max_image_bytes', 1).optional().meta({ description: 'Largest image file a task may send, bytes (default 20 MB); a larger one is an error before anything is sent.' }),
      allow_outside_files: bool('allow_outside_files')
        .optional()
        .meta({ description: "Let prompt_file, system prompt files and json_schema files point outside the suite's folder (default false: a suite cannot make agent-lab read and send /etc/shadow)." }),
      judge: JudgeDefaultsSchema.optional(),
    },
    { error: typeError('Expected the suite to be a mapping with `name`, `models` and `tasks`') },
  )
  .superRefine(
    (suite, ctx) => {
      if (!isRecord(suite)) return;
      /** `key` identifies an item (undefined: not checked); `name` is what the message calls it. */
      const dup = (list: unknown, what: string, idOf: (item: unknown) => { key: unknown; name: unknown; path: (string | number)[] }, why: string) => {
        if (!Array.isArray(list)) return;
        const seen = new Map<string, number>();
        list.forEach((item, index) => {
          const { key, name, path } = idOf(item);
          if (typeof key !== 'string') return;
          const first = seen.get(key);
          if (first === undefined) seen.set(key, index);
          else ctx.addIssue({ code: 'custom', path: [what, index, ...path], message: `Duplicate ${what === 'tasks' ? 'task id' : 'model'} \`${String(name)}\` (also ${what}.${first}): ${why}` });
        });
      };
      // Templated and dataset ids are known per row: config/tasks.ts checks those.
      const literalId = (task: unknown) => (isRecord(task) && task.from === undefined && typeof task.id === 'string' && !/\{\{|\{%/.test(task.id) ? task.id : undefined);
      dup(suite.tasks, 'tasks', (task) => ({ key: literalId(task), name: isRecord(task) ? task.id : '', path: ['id'] }), 'ids must be unique');
      // A model may be listed twice (two arms: streamed and not, two efforts), each under its own label.
      const arm = (id: unknown, label: unknown, providers?: unknown) =>
        typeof id === 'string' ? `${id}\u0000${typeof label === 'string' ? label : id}${Array.isArray(providers) ? `\u0000${providers.join('\u0000')}` : ''}` : undefined;
      dup(
        suite.models,
        'models',
        (model) => (isRecord(model) ? { key: arm(model.id, model.label, model.providers), name: model.id, path: ['id'] } : { key: arm(model, model), name: model, path: [] }),
        'a model listed twice needs its own `label` on each entry',
      );
      judgeModels(suite, ctx);
    },
    { when: () => true },
  );

/** A judge check needs a judge model: its own `model`, or the suite's `judge.model`. */
function judgeModels(suite: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (isRecord(suite.judge) && typeof suite.judge.model === 'string') return;
  const look = (checks: unknown, path: (string | number)[]) => {
    if (!Array.isArray(checks)) return;
    checks.forEach((check, i) => {
      const j = isRecord(check) ? (check.judge ?? check.pairwise) : undefined;
      if (j === undefined || (isRecord(j) && typeof j.model === 'string')) return;
      ctx.addIssue({ code: 'custom', path: [...path, i, isRecord(check) && check.pairwise !== undefined ? 'pairwise' : 'judge'], message: 'A `judge` check needs a judge model: set `judge: { model: … }` at the top of the suite, or `model` on the check' });
    });
  };
  look(suite.checks, ['checks']);
  if (Array.isArray(suite.tasks)) suite.tasks.forEach((task, i) => isRecord(task) && look(task.checks, ['tasks', i, 'checks']));
}

export type Suite = z.infer<typeof SuiteSchema>;
export type SuiteModel = z.infer<typeof ModelSchema>;
export type SuiteTask = z.infer<typeof TaskSchema>;
/** The config file after defaults are applied. */
