// The CSV contract: a stable column order (pinned by a test) and a flat value per cell.
// Quoting is csv-stringify's job, not ours.
import { checkFailuresText, checksPassedText } from './checks-text.js';
import type { JobResult } from '../types/result.js';

/** Cells computed from a row rather than copied: the checks, flattened. */
const DERIVED = {
  /** "3/4"; empty when the job was not checked. */
  checks_passed: checksPassedText,
  /** The failed checks' names and reasons. */
  check_failures: checkFailuresText,
} as const;

export const CSV_COLUMNS = [
  'run_id', 'job_id', 'job_index', 'task_id', 'model', 'model_label', 'model_served', 'provider',
  'system_prompt_id', 'system_prompt_sha256', 'repeat', 'status', 'error_kind', 'error_message',
  'http_status', 'attempts', 'generation_id', 'finish_reason', 'native_finish_reason', 'started_at',
  'queue_ms', 'ttft_ms', 'ttfc_ms', 'latency_ms', 'itl_ms', 'output_tps',
  'tokens_prompt', 'tokens_completion', 'tokens_reasoning', 'reasoning_encrypted',
  'native_tokens_prompt', 'native_tokens_completion', 'native_tokens_reasoning', 'native_tokens_cached',
  'cost_usd', 'cost_usage_usd', 'cost_estimate_usd', 'spent_usd', 'cost_source', 'or_latency_ms', 'or_generation_time_ms',
  'checks_passed', 'passed', 'check_failures',
  'params', 'output_text', 'reasoning_text',
  'stream', 'cache_hit', 'cached_started_at', 'cached_ttft_ms', 'cached_ttfc_ms', 'cached_latency_ms', 'cached_itl_ms', 'cached_output_tps', 'cost_cached_usd',
  'vars', 'prompt_sha256',
  'slo_met',
  'tool_calls', 'judge_cost_usd', 'judge_tokens_prompt', 'judge_tokens_completion',
] as const satisfies readonly (keyof JobResult | keyof typeof DERIVED)[];

/** One row as CSV cells: unknowns are empty cells (never 0), objects are JSON. */
export function csvRecord(row: JobResult): (string | number)[] {
  return CSV_COLUMNS.map((column) => {
    if (column === 'checks_passed' || column === 'check_failures') return DERIVED[column](row);
    const value = row[column];
    if (value === null || value === undefined) return '';
    if (typeof value === 'object') return JSON.stringify(value);
    // csv-stringify would write true as "1" and false as "": say it in words.
    if (typeof value === 'boolean') return String(value);
    return value as string | number;
  });
}
