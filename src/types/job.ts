// A job: one cell of the matrix, fully resolved, and what it sends.

export const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type Role = (typeof ROLES)[number];

/** A text part of a multimodal message (OpenAI's content-part format). */
export interface TextPart {
  type: 'text';
  text: string;
}

/** An image part: a data: URL (a local file, inlined) or an http(s) URL passed through. */
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string };
}

export type ContentPart = TextPart | ImagePart;

/** One chat message as sent: plain text, or text and image parts when the task has images. */
export interface Message {
  role: Role;
  content: string | ContentPart[];
}

/** A message's text: the string, or its text parts joined (images have none). */
export function contentText(content: Message['content']): string {
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}

/** Template variables: a dataset row's fields, the entry's and the suite's `vars`, `--var`. */
export type Vars = Record<string, unknown>;

/** Request body fields other than `model`, `messages` and `stream`; passed through to the API. */
export type Params = Record<string, unknown>;

/** One cell of the matrix: a task × model × system prompt × repeat, fully resolved. */
export interface Job {
  // identity
  /** Stable hash of task, model, system prompt, resolved params and repeat index. */
  job_id: string;
  /** Position in the deterministic matrix order (0-based). */
  index: number;
  /** The suite task's id. */
  task_id: string;
  /** Model slug as requested. */
  model: string;
  /** Display label from the suite (defaults to the slug). */
  model_label: string;
  /** The system prompt arm's id (`default` when the suite has none). */
  system_prompt_id: string;
  /** The system prompt text; '' means no system message is sent. */
  system_prompt: string;
  /** sha256 of system_prompt. */
  system_prompt_sha256: string;
  /** 0-based repeat index. */
  repeat: number;

  // request
  /** Full message list as sent (system message first when the prompt is not empty). */
  messages: Message[];
  /** Resolved request params (always includes max_tokens). */
  params: Params;
  /** false: sent without `stream` and read as one JSON answer; absent or true: streamed. */
  stream?: boolean;
  /** The variables the task's templates were rendered with ({} for a task without any). */
  vars: Vars;
  /** sha256 of the JSON of `messages`: joins two runs on the case, not only on the id. */
  prompt_sha256: string;

  // checks
  /** The task's checks (suite-level first; absent = none). Not part of job_id, so editing a check keeps baselines joinable. */
  checks?: CheckSpec[];

  // load
  /** A warmup request (`--warmup`): sent before the measured jobs, journaled apart, in no statistic. */
  warmup?: true;
}

/** Every check kind, in the order the README lists them: the keys of a suite's `checks:` items. */
export const CHECK_KINDS = [
  'contains', 'not_contains', 'icontains', 'equals', 'starts_with', 'regex', 'is_json', 'json_schema',
  'max_latency_ms', 'max_ttft_ms', 'max_cost_usd', 'max_tokens',
  'min_output_tps', 'max_itl_ms',
  'judge', 'tool_called', 'no_tool_call', 'tool_args_equal', 'script', 'command', 'pairwise',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** One check from a suite's `checks:`, resolved (a json_schema file is read into `schema`). */
export type CheckSpec =
  | { kind: 'contains' | 'not_contains' | 'icontains' | 'equals' | 'starts_with'; value: string }
  | { kind: 'regex'; pattern: string; flags: string }
  | { kind: 'is_json' }
  | { kind: 'json_schema'; schema: Record<string, unknown>; file: string | null }
  | { kind: 'max_latency_ms' | 'max_ttft_ms' | 'max_cost_usd' | 'max_tokens' | 'min_output_tps' | 'max_itl_ms'; limit: number }
  | JudgeSpec
  | { kind: 'tool_called'; name: string; schema: Record<string, unknown> | null }
  | { kind: 'no_tool_call' }
  | { kind: 'tool_args_equal'; name: string; arguments: unknown }
  /** A module's function of the row, run in a node:vm context (no fs, no network) with a time limit. */
  | { kind: 'script'; file: string; source: string }
  /** A program fed the row as JSON on stdin, run in the suite's folder; prints {pass, score?, reason}. */
  | { kind: 'command'; argv: string[]; cwd: string }
  | PairwiseSpec;

/** The pairwise judge: is this row's answer better than the same task's answer in the `against` column? */
export interface PairwiseSpec {
  kind: 'pairwise';
  rubric: string;
  /** The other column: `label` (the row's own system prompt) or `label · prompt id`; a model slug for a label works too. */
  against: string;
  model: string;
  params: Params;
}

/** An LLM-judged check, with the suite's `judge:` defaults filled in. */
export interface JudgeSpec {
  kind: 'judge';
  /** What a good answer does; rendered with the row's vars. */
  rubric: string;
  /** The verdict passes when score >= threshold (0..1, default 0.5). */
  threshold: number;
  /** The judge model's slug. */
  model: string;
  /** The judge request's params (max_tokens included). */
  params: Params;
}

type Assert<T extends true> = T;
/** Compile-time proof that CHECK_KINDS and CheckSpec name the same kinds (a kind added to one only fails here). */
export type CheckKindsMatch = Assert<[CheckKind] extends [CheckSpec['kind']] ? ([CheckSpec['kind']] extends [CheckKind] ? true : false) : false>;
