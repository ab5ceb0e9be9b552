// The OpenRouter wire, as the client reads it: stream chunks accumulated, and /generation.

/** Token usage as the stream's inline `usage` object reported it. */
export interface StreamUsage {
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  reasoning_tokens: number | null;
  cached_tokens: number | null;
  /** Inline `usage.cost`, USD. */
  cost: number | null;
}

/** An error reported by the API, either as a non-2xx body or inside a 200 stream. */
export interface ApiError {
  /** HTTP status, or the numeric `error.code` of a mid-stream error. */
  code: number | null;
  message: string;
  /** Provider-specific extra detail (`metadata.error_type`, `provider_name`, `raw`...). */
  metadata: Record<string, unknown> | null;
}

export interface ToolCall {
  id: string | null;
  name: string | null;
  arguments: string;
}

/** What one SSE stream said, accumulated. Times are monotonic ms from the caller's clock. */
export interface StreamResult {
  generation_id: string | null;
  /** `model` field of the chunks: the model that actually served the request. */
  model_served: string | null;
  /** `provider` display name from the chunks. */
  provider: string | null;
  content: string;
  reasoning: string;
  /** Count of `reasoning.encrypted` items seen (noted, never decoded). */
  reasoning_encrypted: number;
  tool_calls: ToolCall[];
  /** Last non-null `finish_reason`. */
  finish_reason: string | null;
  native_finish_reason: string | null;
  usage: StreamUsage | null;
  /** A top-level or choice-level error seen in the stream. */
  error: ApiError | null;
  /** A `data:` payload that was not JSON (other than [DONE]). */
  malformed: string | null;
  /** `data: [DONE]` was received. */
  done: boolean;
  /** Number of data events parsed. */
  events: number;
  /** Clock time of the first content or reasoning token (null if none). */
  first_token_at: number | null;
  /** Clock time of the first visible content token. */
  first_content_at: number | null;
  /** Clock time of the last content or reasoning token. */
  last_token_at: number | null;
}

/** Native accounting from `GET /generation`. */
export interface GenerationStats {
  id: string;
  /**
   * Set when the record cannot be true (a negative cost, a count that is not a number): it says
   * which fields, and every figure below is then null. Absent on a record that is used.
   */
  invalid?: string;
  total_cost: number | null;
  native_tokens_prompt: number | null;
  native_tokens_completion: number | null;
  native_tokens_reasoning: number | null;
  native_tokens_cached: number | null;
  tokens_prompt: number | null;
  tokens_completion: number | null;
  /** OpenRouter's own latency, ms. */
  latency: number | null;
  /** OpenRouter's own generation time, ms. */
  generation_time: number | null;
  provider_name: string | null;
  model: string | null;
  finish_reason: string | null;
  native_finish_reason: string | null;
}

