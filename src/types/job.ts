// A job: one cell of the matrix, fully resolved, and what it sends.

export type Role = 'system' | 'user' | 'assistant' | 'tool';
export interface Message {
  role: Role;
  content: string;
}

/** Request body fields other than `model`, `messages` and `stream`; passed through to the API. */
export type Params = Record<string, unknown>;

/** One cell of the matrix: a task × model × system prompt × repeat, fully resolved. */
export interface Job {
  /** Stable hash of task, model, system prompt, resolved params and repeat index. */
  job_id: string;
  /** Position in the deterministic matrix order (0-based). */
  index: number;
  task_id: string;
  /** Model slug as requested. */
  model: string;
  /** Display label from the suite (defaults to the slug). */
  model_label: string;
  system_prompt_id: string;
  /** The system prompt text; '' means no system message is sent. */
  system_prompt: string;
  system_prompt_sha256: string;
  /** 0-based repeat index. */
  repeat: number;
  /** Full message list as sent (system message first when the prompt is not empty). */
  messages: Message[];
  /** Resolved request params (always includes max_tokens). */
  params: Params;
  /** The task's checks (suite-level first; absent = none). Not part of job_id, so editing a check keeps baselines joinable. */
  checks?: CheckSpec[];
}

/** One check from a suite's `checks:`, resolved (a json_schema file is read into `schema`). */
export type CheckSpec =
  | { kind: 'contains' | 'not_contains' | 'icontains' | 'equals' | 'starts_with'; value: string }
  | { kind: 'regex'; pattern: string; flags: string }
  | { kind: 'is_json' }
  | { kind: 'json_schema'; schema: Record<string, unknown>; file: string | null }
  | { kind: 'max_latency_ms' | 'max_ttft_ms' | 'max_cost_usd' | 'max_tokens'; limit: number };
export type CheckKind = CheckSpec['kind'];
