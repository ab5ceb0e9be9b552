// Pure: the pairwise judge. Two answers to one task, from two model × system prompt columns;
// the judge says which is better, asked twice with the positions swapped so that a judge that
// favours the first (or second) answer cancels out. Each reply is kept as a verdict whose score
// is "answer A is better" (1), "B is better" (0) or a tie (0.5), so the verdict store and its
// key serve it unchanged.
import type { JudgeSpec, Message, PairwiseSpec } from '../types/job.js';
import type { CheckResult } from '../types/result.js';
import type { JudgeVerdict, Read } from './judge.js';

export const PAIRWISE_SYSTEM =
  'You are a strict grader. Two answers, A and B, were given to the same PROMPT. Decide which meets the RUBRIC better. ' +
  'Reply with exactly one JSON object and nothing else: {"winner": "A" | "B" | "tie", "reason": "<one or two sentences>"}.';

export const PAIRWISE_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'preference',
    strict: true,
    schema: {
      type: 'object',
      properties: { winner: { type: 'string', enum: ['A', 'B', 'tie'] }, reason: { type: 'string' } },
      required: ['winner', 'reason'],
      additionalProperties: false,
    },
  },
} as const;

export function pairwiseMessages(rubric: string, prompt: string, a: string, b: string): Message[] {
  const user = `<rubric>\n${rubric}\n</rubric>\n<prompt>\n${prompt}\n</prompt>\n<answer_a>\n${a}\n</answer_a>\n<answer_b>\n${b}\n</answer_b>`;
  return [
    { role: 'system', content: PAIRWISE_SYSTEM },
    { role: 'user', content: user },
  ];
}

/** The key's spec for a pairwise request: its rubric marked, so it never shares a key with a plain verdict. */
export const pairwiseKeySpec = (spec: PairwiseSpec): JudgeSpec => ({ kind: 'judge', rubric: `pairwise\u0000${spec.rubric}`, threshold: 0.5, model: spec.model, params: spec.params });

/** A reply → the verdict's score (A better: 1, B: 0, tie: 0.5), or why it is none. */
export function parsePreference(value: Record<string, unknown>): Read {
  const winner = typeof value.winner === 'string' ? value.winner.trim().toUpperCase() : null;
  const score = winner === 'A' ? 1 : winner === 'B' ? 0 : winner === 'TIE' ? 0.5 : null;
  if (score === null) return { problem: `the judge's winner is not A, B or tie: ${JSON.stringify(value.winner ?? null)}` };
  return { score, reason: typeof value.reason === 'string' ? value.reason : '' };
}

export type Outcome = 'win' | 'tie' | 'loss';

/** The row's answer first, then second: its two preferences, averaged. */
export function pairwiseResult(spec: PairwiseSpec, first: JudgeVerdict | undefined, second: JudgeVerdict | undefined, missing: string | null): Omit<CheckResult, 'name'> {
  const cost = first?.cost_usd != null && second?.cost_usd != null ? first.cost_usd + second.cost_usd : null;
  const bad = missing ?? [first, second].map((v) => (!v ? 'the judge was not asked' : v.error)).find((e) => e) ?? null;
  if (bad || first?.score == null || second?.score == null) {
    const why = bad ?? 'no verdict';
    return { pass: false, verdict: 'error', detail: `pairwise error: ${why}`, reason: why, cost_usd: cost };
  }
  // As A the row wins with score 1; as B it wins with score 0.
  const mean = (first.score + (1 - second.score)) / 2;
  const outcome: Outcome = mean > 0.5 ? 'win' : mean < 0.5 ? 'loss' : 'tie';
  const orders = first.score === 1 - second.score ? 'both orders agree' : 'the two orders disagree';
  return { pass: outcome !== 'loss', verdict: outcome === 'loss' ? 'fail' : 'pass', detail: `${outcome} against ${spec.against} (${orders})`, reason: `${first.reason} / ${second.reason}`, outcome, against: spec.against, cost_usd: cost };
}
