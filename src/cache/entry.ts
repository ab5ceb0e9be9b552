// Pure: a response-cache entry (an ok answer with its /generation figures). A malformed one is a miss, never a crash.
import * as z from 'zod';
import { toRow } from '../exec/job.js';
import type { AttemptOutcome } from '../provider/client.js';
import type { Job } from '../types/job.js';
import type { JobResult } from '../types/result.js';

export const ENTRY_FORMAT = 'agent-lab/response-cache';
export const ENTRY_VERSION = 1;

const num = z.number().nullable();
const str = z.string().nullable();

/** The answer's fields of the row that produced it; nothing of the request, nothing secret. */
const AnswerSchema = z.object({
  run_id: z.string(),
  job_id: z.string(),
  model_served: str,
  provider: str,
  generation_id: str,
  finish_reason: str,
  native_finish_reason: str,
  output_text: z.string(),
  reasoning_text: z.string(),
  reasoning_encrypted: num,
  stream: z.boolean(),
  started_at: z.string(),
  ttft_ms: num,
  ttfc_ms: num,
  latency_ms: num,
  itl_ms: num,
  output_tps: num,
  tokens_prompt: num,
  tokens_completion: num,
  tokens_reasoning: num,
  native_tokens_prompt: num,
  native_tokens_completion: num,
  native_tokens_reasoning: num,
  native_tokens_cached: num,
  cost_usd: num,
  // Entries from before tool calls were kept have none.
  tool_calls: z.array(z.object({ id: str, name: str, arguments: z.string() })).default([]),
});
export type CachedAnswer = z.infer<typeof AnswerSchema>;
type Assert<T extends true> = T;
/** Compile-time proof that every cached field is a row field of the same type. */
export type AnswerIsRow = Assert<CachedAnswer extends Pick<JobResult, keyof CachedAnswer> ? true : false>;

const EntrySchema = z.object({
  format: z.literal(ENTRY_FORMAT),
  version: z.literal(ENTRY_VERSION),
  key: z.string(),
  stored_at: z.string(),
  /** Credentials redacted. */
  base_url: z.string(),
  model: z.string(),
  answer: AnswerSchema,
});
export type CacheEntry = z.infer<typeof EntrySchema>;

const FIELDS = Object.keys(AnswerSchema.shape) as (keyof CachedAnswer)[];

export function entryText(key: string, row: JobResult, meta: { base: string; storedAt: string }): string {
  const answer = Object.fromEntries(FIELDS.map((field) => [field, row[field]]));
  const entry = { format: ENTRY_FORMAT, version: ENTRY_VERSION, key, stored_at: meta.storedAt, base_url: meta.base, model: row.model, answer };
  return `${JSON.stringify(entry)}\n`;
}

export function readEntry(text: string, key: string): { entry: CacheEntry } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = EntrySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `not an entry of this agent-lab (${issue.path.join('.') || 'entry'}: ${issue.message})` };
  }
  // A file copied or renamed by hand must not answer another request.
  if (parsed.data.key !== key) return { problem: 'its key is not its file name' };
  return { entry: parsed.data };
}

/** cost_usd 0 and timings null (nothing was paid or timed; originals in cost_cached_usd, cached_*), so no statistic counts it. */
export function hitRow(job: Job, runId: string, entry: CacheEntry, at: string): JobResult {
  const a = entry.answer;
  const nothingSent: AttemptOutcome = { ok: true, http_status: null, error_kind: null, error_message: null, retry_after_ms: null, response_started: false, stream: null, sent_at: 0, ended_at: 0 };
  return {
    ...toRow(job, runId, nothingSent, [], null, at),
    model_served: a.model_served,
    provider: a.provider,
    generation_id: a.generation_id,
    finish_reason: a.finish_reason,
    native_finish_reason: a.native_finish_reason,
    output_text: a.output_text,
    reasoning_text: a.reasoning_text,
    reasoning_encrypted: a.reasoning_encrypted,
    stream: a.stream,
    cache_hit: true,
    latency_ms: null,
    cached_started_at: a.started_at,
    cached_ttft_ms: a.ttft_ms,
    cached_ttfc_ms: a.ttfc_ms,
    cached_latency_ms: a.latency_ms,
    cached_itl_ms: a.itl_ms,
    cached_output_tps: a.output_tps,
    tokens_prompt: a.tokens_prompt,
    tokens_completion: a.tokens_completion,
    tokens_reasoning: a.tokens_reasoning,
    native_tokens_prompt: a.native_tokens_prompt,
    native_tokens_completion: a.native_tokens_completion,
    native_tokens_reasoning: a.native_tokens_reasoning,
    native_tokens_cached: a.native_tokens_cached,
    cost_usd: 0,
    spent_usd: 0,
    cost_source: 'cache',
    cost_cached_usd: a.cost_usd,
    tool_calls: a.tool_calls,
  };
}
