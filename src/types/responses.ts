// The response matrix: a run's answers arranged for reading side by side — one row per task, one
// column per model × system prompt, each cell the job's repeats. The one view-model behind the
// report's Responses section, responses.md and `agent-lab show`. Shapes only.
import type { CheckResult, ErrorKind, JobResult, JobStatus } from './result.js';

/** One tool call the model made (issue 9 adds `tool_calls` to rows; absent until then). */
export interface ToolCallView {
  id: string;
  name: string;
  /** The arguments as the model streamed them: JSON text, not parsed. */
  arguments: string;
}

/** A check as a cell shows it: the row's verdict plus the LLM judge's fields when present. */
export interface CheckView extends CheckResult {
  /** issue 9: `error` when the judge could not give a verdict; absent on older rows (then `pass` decides). */
  verdict?: 'pass' | 'fail' | 'error';
  /** issue 9: the judge's score, its pass threshold and its reason; absent for deterministic checks. */
  score?: number | null;
  threshold?: number | null;
  reason?: string | null;
}

/** A results.jsonl row as the responses views read it: an older row may lack the later fields (vars, tool_calls, judge_cost_usd). */
export type ResponseRow = Omit<JobResult, 'checks' | 'vars' | 'prompt_sha256' | 'tool_calls' | 'judge_cost_usd'> &
  Partial<Pick<JobResult, 'vars' | 'prompt_sha256' | 'tool_calls' | 'judge_cost_usd'>> & { checks: CheckView[] };

/** The same job in the baseline run (joined on job_id), for a per-cell diff. */
export interface BaselineView {
  status: JobStatus;
  passed: boolean | null;
  output: string;
  /** The baseline answer was cut to fit the page (full text in the baseline's results.jsonl). */
  output_truncated: boolean;
}

/** One repeat of one job. Text fields may be cut to fit a page; `*_chars` says how long they were. */
export interface ResponseCell {
  job_id: string;
  /** 0-based. */
  repeat: number;
  status: JobStatus;
  error_kind: ErrorKind | null;
  error_message: string | null;
  finish_reason: string | null;
  output: string;
  /** Length of the full answer, in UTF-16 units; more than output.length when it was cut. */
  output_chars: number;
  reasoning: string;
  reasoning_chars: number;
  passed: boolean | null;
  checks: CheckView[];
  tool_calls: ToolCallView[];
  ttft_ms: number | null;
  latency_ms: number | null;
  /** Billed counts when /generation gave them, else the stream's. */
  tokens_prompt: number | null;
  tokens_completion: number | null;
  cost_usd: number | null;
  /** issue 9: what the LLM judge cost for this job; null or absent when none ran. */
  judge_cost_usd: number | null;
  /** Present only when the report was written with a baseline that has this job_id. */
  baseline?: BaselineView;
}

/** One model × system prompt. */
export interface ResponseColumn {
  model: string;
  model_label: string;
  system_prompt_id: string;
  /** `label · prompt`: how every view names the column. */
  name: string;
}

export interface ResponseTask {
  task_id: string;
  /** issue 8: the dataset row's variables; {} when the task has none. */
  vars: Record<string, unknown>;
  /** cells[c] = column c's repeats in repeat order; [] when that column has no job for the task. */
  cells: ResponseCell[][];
  /** Some cell has a failed check (passed false, or a check whose verdict is error). */
  failing: boolean;
  /** Some cell did not finish ok (error or skipped). */
  errors: boolean;
  /** The columns gave different outcomes — status, verdict or answer (whitespace and case aside) — over their repeats. */
  disagree: boolean;
}

export interface ResponseMatrix {
  columns: ResponseColumn[];
  tasks: ResponseTask[];
  jobs: number;
  /** Per-text cut applied (UTF-16 units); null when nothing is ever cut. */
  limit: number | null;
  /** Answers and reasoning traces that were cut. */
  truncated: number;
  /** Cells that carry a baseline answer. */
  baseline_jobs: number;
}

/** The matrix's figures without its tasks: what the heads of responses.md and report.html say before any cell is read. */
export interface MatrixHead extends Omit<ResponseMatrix, 'tasks'> {
  task_count: number;
  /** Tasks with a failing check; tasks with an error. */
  failing_tasks: number;
  error_tasks: number;
}

/** The matrix with something else in its cells: the cells themselves, or where their rows are in results.jsonl (report.html's streamed pass). */
export interface Grid<T> extends Omit<ResponseMatrix, 'tasks'> {
  tasks: (Omit<ResponseTask, 'cells'> & { cells: T[][] })[];
}
