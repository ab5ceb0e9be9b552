// Pure: the suite's check items (as validated by schema.ts) → resolved CheckSpecs, with a
// json_schema file's parsed contents in place of its path.
import { CHECK_KINDS, type CheckSpec, type Params } from '../types/job.js';
import { isFileRef, type CheckInput } from './schema.js';

/** The suite's `judge:` defaults. */
export interface JudgeDefaults {
  model?: string;
  params?: Params;
}

/** What a judge request gets unless the suite says otherwise: a steady judge and room for a reason. */
export const JUDGE_PARAMS: Params = { temperature: 0, max_tokens: 300 };
export const DEFAULT_THRESHOLD = 0.5;

/** Turn validated check items into specs. `readJson` returns a schema file's parsed contents. */
export function toCheckSpecs(items: readonly CheckInput[], readJson: (file: string) => Record<string, unknown>, judge: JudgeDefaults = {}, files?: SuiteFiles): CheckSpec[] {
  return items.map((item) => toCheckSpec(item, readJson, judge, files));
}

/** A script's text as loaded with the suite, and the folder a command runs in. */
export interface SuiteFiles {
  text(file: string): string;
  dir: string;
}

function toCheckSpec(item: CheckInput, readJson: (file: string) => Record<string, unknown>, judge: JudgeDefaults, files: SuiteFiles | undefined): CheckSpec {
  const kind = CHECK_KINDS.find((key) => item[key] !== undefined);
  switch (kind) {
    case 'contains':
    case 'not_contains':
    case 'icontains':
    case 'equals':
    case 'starts_with':
      return { kind, value: item[kind]! };
    case 'regex': {
      const regex = item.regex!;
      return typeof regex === 'string' ? { kind, pattern: regex, flags: '' } : { kind, pattern: regex.pattern, flags: regex.flags ?? '' };
    }
    case 'is_json':
      return { kind };
    case 'json_schema': {
      const ref = item.json_schema!;
      return isFileRef(ref) ? { kind, schema: readJson(ref.file), file: ref.file } : { kind, schema: ref as Record<string, unknown>, file: null };
    }
    case 'max_latency_ms':
    case 'max_ttft_ms':
    case 'max_cost_usd':
    case 'max_tokens':
    case 'min_output_tps':
    case 'max_itl_ms':
      return { kind, limit: item[kind]! };
    case 'judge': {
      const j = typeof item.judge === 'string' ? { rubric: item.judge } : item.judge!;
      // The schema refuses a judge check with no model anywhere (SuiteSchema), so '' never reaches a request.
      const model = j.model ?? judge.model ?? '';
      return { kind, rubric: j.rubric, threshold: j.threshold ?? DEFAULT_THRESHOLD, model, params: { ...JUDGE_PARAMS, ...judge.params, ...j.params } };
    }
    case 'tool_called': {
      const t = item.tool_called!;
      return typeof t === 'string' ? { kind, name: t, schema: null } : { kind, name: t.name, schema: t.arguments ?? null };
    }
    case 'no_tool_call':
      return { kind };
    case 'tool_args_equal':
      return { kind, name: item.tool_args_equal!.name, arguments: item.tool_args_equal!.arguments };
    case 'script':
      return { kind, file: item.script!, source: files?.text(item.script!) ?? '' };
    case 'pairwise': {
      const p = item.pairwise!;
      return { kind, rubric: p.rubric, against: p.against, model: p.model ?? judge.model ?? '', params: { ...JUDGE_PARAMS, ...judge.params, ...p.params } };
    }
    case 'command':
      return { kind, argv: item.command!, cwd: files?.dir ?? '.' };
    default:
      throw new Error('internal: a check without a kind passed validation');
  }
}
