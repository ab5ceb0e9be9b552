// Pure: the LLM judge's request and reply. The request carries the rubric, the task's prompt and
// the answer, and asks for exactly {"score": 0..1, "reason": "..."}; the reply is read
// tolerantly (a ```json fence, prose around the object), because a judge asked by instruction
// only often wraps its JSON. The verdict's key names everything that decides it.
import { createHash } from 'node:crypto';
import { canonical } from '../config/matrix.js';
import type { JudgeSpec, Message, PairwiseSpec, Params } from '../types/job.js';
import type { CheckResult, JobResult } from '../types/result.js';

/** One verdict as the judge pass found it (or could not). */
export interface JudgeVerdict {
  /** 0..1; null when the judge gave no verdict. */
  score: number | null;
  /** The judge's reason, or why there is no verdict. */
  reason: string;
  /** Set when the judge could not give a verdict (HTTP failure, unparsable reply, cost cap). */
  error: string | null;
  /** The judge request's /generation cost; null when unknown. */
  cost_usd: number | null;
  tokens_prompt: number | null;
  tokens_completion: number | null;
}

/** A verdict for one judge check of one row; undefined when none was sought. */
export type VerdictLookup = (spec: JudgeSpec, row: JobResult) => JudgeVerdict | undefined;

/** A pairwise check's two verdicts (the row's answer first, then second), why there are none, or `self`: the row is in the column it would be compared with. */
export type PairwiseVerdicts = { first: JudgeVerdict | undefined; second: JudgeVerdict | undefined; missing: string | null } | { self: true };
export type PairwiseLookup = (spec: PairwiseSpec, row: JobResult) => PairwiseVerdicts | undefined;

export const JUDGE_SYSTEM =
  'You are a strict grader. Score how well the ANSWER to the PROMPT meets the RUBRIC, from 0 (not at all) to 1 (fully). ' +
  'Reply with exactly one JSON object and nothing else: {"score": <number from 0 to 1>, "reason": "<one or two sentences>"}.';

/** response_format for a judge whose /models entry lists structured outputs. */
export const VERDICT_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'verdict',
    strict: true,
    schema: {
      type: 'object',
      properties: { score: { type: 'number', minimum: 0, maximum: 1 }, reason: { type: 'string' } },
      required: ['score', 'reason'],
      additionalProperties: false,
    },
  },
} as const;

/** The judge request's messages. Tags keep the three parts apart whatever the answer holds. */
export function judgeMessages(rubric: string, prompt: string, answer: string): Message[] {
  const user = `<rubric>\n${rubric}\n</rubric>\n<prompt>\n${prompt}\n</prompt>\n<answer>\n${answer}\n</answer>`;
  return [
    { role: 'system', content: JUDGE_SYSTEM },
    { role: 'user', content: user },
  ];
}

/** The request params: the check's, plus response_format when the judge model supports structured outputs. */
export function judgeParams(spec: JudgeSpec, structured: boolean): Params {
  return structured && spec.params.response_format === undefined ? { ...spec.params, response_format: VERDICT_FORMAT } : spec.params;
}

/** What the judge reads as the answer: the text, then any tool calls (a tool-only answer is not empty). */
export function judgedAnswer(row: Pick<JobResult, 'output_text' | 'tool_calls'>): string {
  const calls = (row.tool_calls ?? []).map((c) => `[tool call] ${c.name ?? '?'}(${c.arguments})`);
  return [row.output_text, ...calls].filter((part) => part !== '').join('\n');
}

/** The verdict cache's key: (judge model, judge params, rubric, rendered prompt, answer). */
export function verdictKey(spec: JudgeSpec, prompt: string, answer: string): string {
  const text = JSON.stringify(canonical({ model: spec.model, params: spec.params, rubric: spec.rubric, prompt, answer }));
  return createHash('sha256').update(text).digest('hex');
}

export type Read = { score: number; reason: string } | { problem: string };

/** The judge's reply → score and reason, or why it is not a verdict. */
export function parseVerdict(text: string): Read {
  return parseReply(text, readScore, '{"score", "reason"}');
}

/** The first JSON object in a reply (whole, fenced, or inside prose), read by `read`. */
export function parseReply(text: string, read: (value: Record<string, unknown>) => Read, shape: string): Read {
  for (const candidate of candidates(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return read(value as Record<string, unknown>);
  }
  return { problem: `the judge's reply holds no ${shape} object: ${JSON.stringify(text.slice(0, 80))}` };
}

function readScore({ score, reason }: Record<string, unknown>): Read {
  const n = typeof score === 'string' && score.trim() !== '' ? Number(score) : score;
  if (typeof n !== 'number' || !Number.isFinite(n)) return { problem: `the judge's score is not a number: ${JSON.stringify(score ?? null)}` };
  if (n < 0 || n > 1) return { problem: `the judge's score ${n} is outside 0..1` };
  return { score: n, reason: typeof reason === 'string' ? reason : '' };
}

/** The whole reply, a fenced block, then each {...} span from the first { to each later }. */
function* candidates(text: string): Generator<string> {
  const trimmed = text.trim();
  yield trimmed;
  const fenced = /```[A-Za-z]*\s*\n?([\s\S]*?)```/.exec(trimmed);
  if (fenced) yield fenced[1]!.trim();
  const start = trimmed.indexOf('{');
  if (start < 0) return;
  for (let end = trimmed.lastIndexOf('}'); end > start; end = trimmed.lastIndexOf('}', end - 1)) yield trimmed.slice(start, end + 1);
}

/** A judge check's row entry. An error is its own verdict, never a pass or a fail. */
export function judgeResult(spec: JudgeSpec, verdict: JudgeVerdict | undefined, final = true): Omit<CheckResult, 'name'> {
  const base = { threshold: spec.threshold, cost_usd: verdict?.cost_usd ?? null };
  if (!verdict || verdict.error !== null || verdict.score === null) {
    // The journal's provisional line is written before the judge pass: pending, not failed.
    const why = verdict?.error ?? (final ? 'the judge was not asked' : 'pending (the judge is asked once every answer is in)');
    return { pass: false, verdict: 'error', detail: `judge error: ${why}`, score: null, reason: why, ...base };
  }
  const pass = verdict.score >= spec.threshold;
  return { pass, verdict: pass ? 'pass' : 'fail', detail: `score ${verdict.score} ${pass ? '≥' : '<'} ${spec.threshold}`, score: verdict.score, reason: verdict.reason, ...base };
}
