// Pure: a task's checks × one row → one verdict per check, each with a reason a reader can act
// on. Text checks look at output_text; limit checks at the row's measured numbers, where an
// unknown number fails its check (an unmeasured latency is not a fast one). A cached answer is
// judged on the figures it had when it was made (cached_*, cost_cached_usd): the same answer.
import type { CheckResult, JobResult } from '../types/result.js';
import type { CheckSpec } from '../types/job.js';
import { compileJsonSchema, describeErrors } from './json-schema.js';
import { judgeResult, type PairwiseLookup, type VerdictLookup } from './judge.js';
import { pairwiseResult } from './pairwise.js';
import { toolVerdict } from './tools.js';

/** The row fields checks read. */
export type CheckedRow = Pick<JobResult, 'output_text' | 'latency_ms' | 'ttft_ms' | 'itl_ms' | 'output_tps' | 'cost_usd' | 'cost_source' | 'tokens_completion' | 'native_tokens_completion'> &
  Partial<Pick<JobResult, 'cache_hit' | 'cached_latency_ms' | 'cached_ttft_ms' | 'cached_itl_ms' | 'cached_output_tps' | 'cost_cached_usd' | 'tool_calls' | 'job_id' | 'prompt_sha256'>>;

export interface EvaluateOptions {
  /**
   * The cost lookup is over (finalize): a cost still unknown fails with "cost unknown". Before
   * that a missing cost reads "cost pending" — the verdict is provisional until finalize.
   */
  final: boolean;
  /** The judge pass's verdicts; without it a judge check reads `error: the judge was not asked`. */
  verdicts?: VerdictLookup;
  /** The pairwise checks' verdicts. */
  pairwise?: PairwiseLookup;
  /** Runs a script or command check (checks/code.ts); without it they read `error: not run here`. */
  code?: CodeRunner;
}

export type CodeRunner = (spec: Extract<CheckSpec, { kind: 'script' | 'command' }>, row: JobResult) => Omit<CheckResult, 'name'>;

export function evaluateChecks(specs: readonly CheckSpec[], row: CheckedRow, options: EvaluateOptions = { final: true }): CheckResult[] {
  return specs.map((spec) => ({ name: checkName(spec), ...verdict(spec, row, options) }));
}

/** A check's display name: its kind and argument, short enough for a table cell. */
export function checkName(spec: CheckSpec): string {
  switch (spec.kind) {
    case 'regex':
      return `regex /${clip(spec.pattern)}/${spec.flags}`;
    case 'is_json':
      return 'is_json';
    case 'json_schema':
      return `json_schema ${spec.file ?? '(inline)'}`;
    case 'judge':
      return `judge ${JSON.stringify(clip(spec.rubric))}`;
    case 'tool_called':
    case 'tool_args_equal':
      return `${spec.kind} ${spec.name}`;
    case 'no_tool_call':
      return 'no_tool_call';
    case 'script':
      return `script ${spec.file}`;
    case 'command':
      return `command ${clip(spec.argv.join(' '))}`;
    case 'pairwise':
      return `pairwise vs ${spec.against}`;
    case 'max_latency_ms':
    case 'max_ttft_ms':
    case 'max_cost_usd':
    case 'max_tokens':
    case 'min_output_tps':
    case 'max_itl_ms':
      return `${spec.kind} ${spec.limit}`;
    default:
      return `${spec.kind} ${JSON.stringify(clip(spec.value))}`;
  }
}

type Verdict = Omit<CheckResult, 'name'>;

function verdict(spec: CheckSpec, row: CheckedRow, options: EvaluateOptions): Verdict {
  const text = row.output_text;
  const named = (what: string) => (row.cache_hit ? `cached ${what}` : what);
  switch (spec.kind) {
    case 'contains':
      return text.includes(spec.value) ? ok('found') : fail(`not found in ${excerpt(text)}`);
    case 'icontains':
      return text.toLowerCase().includes(spec.value.toLowerCase()) ? ok('found (ignoring case)') : fail(`not found (ignoring case) in ${excerpt(text)}`);
    case 'not_contains': {
      const at = text.indexOf(spec.value);
      return at < 0 ? ok('absent') : fail(`found at character ${at}`);
    }
    case 'equals':
      return text.trim() === spec.value.trim() ? ok('equal') : fail(`got ${excerpt(text.trim())}`);
    case 'starts_with':
      return text.trimStart().startsWith(spec.value) ? ok('starts so') : fail(`starts ${excerpt(text.trimStart())}`);
    case 'regex': {
      const match = new RegExp(spec.pattern, spec.flags).exec(text);
      return match ? ok(`matched ${JSON.stringify(clip(match[0]))}`) : fail(`no match in ${excerpt(text)}`);
    }
    case 'is_json': {
      const parsed = parseJson(text);
      return parsed.ok ? ok('valid JSON') : fail(parsed.problem);
    }
    case 'json_schema': {
      const parsed = parseJson(text);
      if (!parsed.ok) return fail(parsed.problem);
      const compiled = compileJsonSchema(spec.schema);
      if (!compiled.ok) return fail(`the schema does not compile: ${compiled.problem}`);
      return compiled.validate(parsed.value) ? ok('matches the schema') : fail(describeErrors(compiled.validate.errors));
    }
    case 'max_latency_ms':
      return atMost(named('latency'), cachedOr(row, row.latency_ms, row.cached_latency_ms), spec.limit, (v) => `${v} ms`);
    case 'max_ttft_ms':
      return atMost(named('ttft'), cachedOr(row, row.ttft_ms, row.cached_ttft_ms), spec.limit, (v) => `${v} ms`);
    case 'max_itl_ms':
      return atMost(named('itl'), cachedOr(row, row.itl_ms, row.cached_itl_ms), spec.limit, (v) => `${v} ms`);
    case 'min_output_tps':
      return atLeast(named('output'), cachedOr(row, row.output_tps, row.cached_output_tps), spec.limit, (v) => `${v} tokens/s`);
    case 'max_tokens':
      return atMost('completion tokens', row.tokens_completion ?? row.native_tokens_completion, spec.limit, String);
    case 'max_cost_usd': {
      const cost = cachedOr(row, row.cost_usd, row.cost_cached_usd);
      if (cost === null) return fail(!options.final && row.cost_source === 'pending' ? 'cost pending' : 'cost unknown');
      return atMost(named('cost'), cost, spec.limit, (v) => `$${v}`);
    }
    case 'judge':
      return judgeResult(spec, options.verdicts?.(spec, row as JobResult), options.final);
    case 'tool_called':
    case 'no_tool_call':
    case 'tool_args_equal':
      return toolVerdict(spec, row);
    case 'pairwise': {
      const found = options.pairwise?.(spec, row as JobResult);
      if (found && 'self' in found) return { pass: true, detail: `this is the ${spec.against} column: nothing to compare` };
      const missing = found ? found.missing : options.final ? 'the judge was not asked' : 'pending (the judge is asked once every answer is in)';
      return pairwiseResult(spec, found?.first, found?.second, missing);
    }
    case 'script':
    case 'command':
      return options.code ? options.code(spec, row as JobResult) : { pass: false, verdict: 'error', detail: 'code check error: not run here', reason: 'not run here' };
  }
}

/** The row's own figure, or for a cache hit the one its answer had when it was made. */
const cachedOr = (row: CheckedRow, own: number | null, original: number | null | undefined) => (row.cache_hit ? (original ?? null) : own);

const ok = (detail: string): Verdict => ({ pass: true, detail });
const fail = (detail: string): Verdict => ({ pass: false, detail });

function atLeast(what: string, value: number | null, limit: number, unit: (v: number) => string): Verdict {
  if (value === null) return fail(`${what} unknown`);
  return value >= limit ? ok(`${what} ${unit(value)} ≥ ${unit(limit)}`) : fail(`${what} ${unit(value)} < ${unit(limit)}`);
}

function atMost(what: string, value: number | null, limit: number, unit: (v: number) => string): Verdict {
  if (value === null) return fail(`${what} unknown`);
  return value <= limit ? ok(`${what} ${unit(value)} ≤ ${unit(limit)}`) : fail(`${what} ${unit(value)} > ${unit(limit)}`);
}

/** JSON, also when a model wraps the whole answer in a ```json fence (most chat models do). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const trimmed = text.trim();
  const fenced = /^```[A-Za-z0-9]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  const body = fenced ? fenced[1]! : trimmed;
  if (body === '') return { ok: false, problem: 'not JSON: the answer is empty' };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    return { ok: false, problem: `not JSON: ${(error as Error).message}` };
  }
}

const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const excerpt = (text: string) => (text === '' ? 'an empty answer' : JSON.stringify(clip(text.replace(/\s+/g, ' '), 60)));
