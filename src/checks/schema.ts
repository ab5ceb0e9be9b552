// The suite's `checks:` items: each is a one-key mapping such as `- contains: Canberra`.
// One strict object with every kind optional (so a misspelt kind gets "did you mean"), plus a
// refinement that exactly one kind is given. A bad regex or JSON Schema fails here, at load
// time with file:line, instead of failing every job of the run.
import * as z from 'zod';
import { intFrom, isRecord, numberIn, present, text, typeError } from '../config/fields.js';
import { ParamsSchema } from '../config/params.js';
import { CHECK_KINDS, type CheckKind } from '../types/job.js';
import { compileJsonSchema } from './json-schema.js';


/** `g` and `y` make RegExp#test stateful; the others are safe. */
const REGEX_FLAGS = /^[imsuv]*$/;

/** Why a pattern cannot be used, or null when it compiles. */
export function regexProblem(pattern: string, flags: string): string | null {
  if (!REGEX_FLAGS.test(flags)) return `Expected regex \`flags\` to be letters from \`imsuv\`, got \`${flags}\` (g and y make matching stateful)`;
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (error) {
    return `Invalid regex: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

const limit = (name: string, unit: string) => {
  const error = `Expected \`${name}\` to be a number${unit} greater than 0`;
  return z.number({ error: present(error) }).gt(0, { error });
};

const RegexSchema = z
  .union(
    [
      z.string(),
      z.strictObject({
        pattern: z.string({ error: present('Expected `pattern` to be a string') }),
        flags: z.string({ error: present('Expected `flags` to be a string such as `i`') }).optional(),
      }),
    ],
    { error: 'Expected `regex` to be a pattern string or { pattern, flags }' },
  )
  .superRefine((value, ctx) => {
    const pattern = typeof value === 'string' ? value : value.pattern;
    // A templated pattern is compiled once per row, when it is rendered (config/entry.ts).
    if (/\{\{|\{%/.test(pattern)) return;
    const problem = regexProblem(pattern, typeof value === 'string' ? '' : (value.flags ?? ''));
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: 'The answer matches this JavaScript regular expression (a string, or { pattern, flags }; flags from imsuv).' });

const JsonSchemaRef = z
  .union(
    [
      z.strictObject({ file: text('file').meta({ description: "A JSON file holding the schema; relative to the suite's folder." }) }),
      z.record(z.string(), z.unknown()),
    ],
    { error: 'Expected `json_schema` to be an inline JSON Schema mapping or { file: schema.json }' },
  )
  .superRefine((value, ctx) => {
    if (isFileRef(value)) return;
    const compiled = compileJsonSchema(value);
    if (!compiled.ok) ctx.addIssue({ code: 'custom', message: `Invalid JSON Schema: ${compiled.problem}` });
  })
  .meta({ description: 'The answer is JSON valid against this JSON Schema (inline, or { file: schema.json }).' });

/** The judge's defaults: the suite's `judge:`, and the fields a judge check may override. */
export const JudgeDefaultsSchema = z
  .strictObject(
    {
      model: text('model').optional().meta({ description: 'The judge model slug, e.g. openai/gpt-4o-mini.' }),
      params: ParamsSchema.optional().meta({ description: "The judge request's params (default temperature 0, max_tokens 300)." }),
    },
    { error: typeError('Expected `judge` to be a mapping like { model: openai/gpt-4o-mini, params: { temperature: 0 } }') },
  )
  .meta({ description: 'Defaults for every `judge` check: the judge model and its params.' });

const JudgeCheckSchema = z
  .union(
    [
      text('judge'),
      z.strictObject({
        rubric: text('rubric').meta({ description: 'What a good answer does; templates apply.' }),
        threshold: numberIn('threshold', 0, 1).optional().meta({ description: 'The check passes when score >= threshold (default 0.5).' }),
        model: text('model').optional().meta({ description: "The judge model for this check (default: the suite's `judge.model`)." }),
        params: ParamsSchema.optional().meta({ description: "The judge request's params, over the suite's `judge.params`." }),
      }),
    ],
    { error: 'Expected `judge` to be a rubric string or { rubric, threshold, model, params }' },
  )
  .meta({ description: 'An LLM judge scores the answer 0..1 against a rubric (README "LLM judge").' });

const PairwiseSchema = z
  .strictObject(
    {
      rubric: text('rubric').meta({ description: 'What makes one answer better than the other; templates apply.' }),
      against: text('against').meta({ description: 'The column to compare with: a model label (or slug), with ` · <system prompt id>` for another arm.' }),
      model: text('model').optional().meta({ description: "The judge model (default: the suite's `judge.model`)." }),
      params: ParamsSchema.optional().meta({ description: "The judge request's params, over the suite's `judge.params`." }),
    },
    { error: typeError('Expected `pairwise` to be { rubric, against }') },
  )
  .meta({ description: "The judge compares this answer with the same task's answer in the `against` column, asked twice with the positions swapped; win, tie or loss (README \"Pairwise judge\")." });

const JsonSchemaObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const compiled = compileJsonSchema(value);
  if (!compiled.ok) ctx.addIssue({ code: 'custom', message: `Invalid JSON Schema: ${compiled.problem}` });
});

const ToolCalledSchema = z
  .union([text('tool_called'), z.strictObject({ name: text('name'), arguments: JsonSchemaObject.optional().meta({ description: 'A JSON Schema the parsed arguments must match.' }) })], {
    error: 'Expected `tool_called` to be a function name or { name, arguments: <JSON Schema> }',
  })
  .meta({ description: 'The answer called this function (and its parsed arguments match the JSON Schema given).' });

const ToolArgsEqualSchema = z
  .strictObject(
    { name: text('name'), arguments: z.record(z.string(), z.unknown(), { error: typeError('Expected `arguments` to be a mapping') }).meta({ description: 'The expected arguments; string values are templates.' }) },
    { error: typeError('Expected `tool_args_equal` to be { name, arguments: { … } }') },
  )
  .meta({ description: 'The answer called this function with exactly these arguments (deep-equal after JSON parse).' });

/** `{ file: x }` and nothing else: a schema file reference rather than an inline schema. */
export const isFileRef = (value: unknown): value is { file: string } =>
  isRecord(value) && typeof value.file === 'string' && Object.keys(value).length === 1;

export const CheckSchema = z
  .strictObject(
    {
      contains: text('contains').optional().meta({ description: 'The answer contains this text (case-sensitive).' }),
      not_contains: text('not_contains').optional().meta({ description: 'The answer does not contain this text.' }),
      icontains: text('icontains').optional().meta({ description: 'The answer contains this text, ignoring case.' }),
      equals: z.string({ error: present('Expected `equals` to be a string') }).optional().meta({ description: 'The answer, trimmed, is exactly this text.' }),
      starts_with: text('starts_with').optional().meta({ description: 'The answer, with leading whitespace trimmed, starts with this text.' }),
      regex: RegexSchema.optional(),
      is_json: z.literal(true, { error: present('Expected `is_json` to be true (leave the check out otherwise)') }).optional().meta({ description: 'The answer parses as JSON (a ```json fence around it is accepted).' }),
      json_schema: JsonSchemaRef.optional(),
      max_latency_ms: limit('max_latency_ms', ' of ms').optional().meta({ description: 'latency_ms is at most this (a speed check: counted in slo_met, not in the pass rate).' }),
      max_ttft_ms: limit('max_ttft_ms', ' of ms').optional().meta({ description: 'ttft_ms is at most this (a speed check: counted in slo_met, not in the pass rate).' }),
      max_cost_usd: limit('max_cost_usd', ' of USD').optional().meta({ description: "The job's cost_usd (from /generation) is at most this; unknown cost fails." }),
      max_tokens: intFrom('max_tokens', 1).optional().meta({ description: 'Completion tokens are at most this.' }),
      min_output_tps: limit('min_output_tps', ' of tokens/s').optional().meta({ description: 'output_tps is at least this (a speed check: counted in slo_met, not in the pass rate).' }),
      max_itl_ms: limit('max_itl_ms', ' of ms').optional().meta({ description: 'itl_ms is at most this (a speed check: counted in slo_met, not in the pass rate).' }),
      judge: JudgeCheckSchema.optional(),
      tool_called: ToolCalledSchema.optional(),
      no_tool_call: z.literal(true, { error: present('Expected `no_tool_call` to be true (leave the check out otherwise)') }).optional().meta({ description: 'The answer made no tool call.' }),
      tool_args_equal: ToolArgsEqualSchema.optional(),
      script: text('script')
        .optional()
        .meta({ description: "A JavaScript file (relative to the suite's folder) whose `export default` function of the row returns { pass, score?, reason }; run in a node:vm context, no fs or network, 1 s limit." }),
      pairwise: PairwiseSchema.optional(),
      command: z
        .array(text('command'), { error: typeError('Expected `command` to be a list like [python3, check.py]') })
        .min(1, { error: 'Expected `command` to name a program, like [python3, check.py]' })
        .optional()
        .meta({ description: "A program and its arguments, run in the suite's folder with the row as JSON on stdin; prints { pass, score?, reason } as JSON; 10 s limit." }),
    } satisfies Record<CheckKind, z.ZodType>,
    { error: typeError('Expected a check to be a one-key mapping like { contains: Canberra }') },
  )
  .superRefine(
    (check, ctx) => {
      if (!isRecord(check)) return;
      const given = CHECK_KINDS.filter((key) => check[key] !== undefined);
      // With only unknown keys, the "Unknown key … did you mean" issue already says what is wrong.
      if (given.length === 0 && !ctx.issues.some((issue) => issue.code === 'unrecognized_keys')) ctx.addIssue({ code: 'custom', path: [], message: `A check needs one of ${CHECK_KINDS.map((k) => `\`${k}\``).join(', ')}` });
      if (given.length > 1) {
        ctx.addIssue({
          code: 'custom',
          path: [given[1]!],
          params: { at: 'key' },
          message: `A check is a one-key mapping, and this one has ${given.map((k) => `\`${k}\``).join(' and ')}: write each as its own list item`,
        });
      }
    },
    { when: () => true },
  );

export const ChecksSchema = z
  .array(CheckSchema, { error: typeError('Expected `checks` to be a list of one-key mappings like - contains: Canberra') })
  .meta({ description: 'Checks on each answer; a job passes when all pass. Kinds: ' + CHECK_KINDS.join(', ') + '.' });

export type CheckInput = z.infer<typeof CheckSchema>;
