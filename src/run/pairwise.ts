// The pairwise checks' part of the judge pass: every column's answers indexed by task and repeat,
// so a row's answer can be set against the `against` column's answer to the same case; two
// requests per pair, the row's answer first and then second, so a judge's taste for a position
// cancels out.
import { judgedAnswer, verdictKey } from '../checks/judge.js';
import { PAIRWISE_FORMAT, pairwiseKeySpec, pairwiseMessages } from '../checks/pairwise.js';
import type { JudgeRequest } from '../exec/judge.js';
import type { PairwiseSpec } from '../types/job.js';
import type { JobResult } from '../types/result.js';

type Found = { self: true } | { other: string } | { missing: string };

export interface PairIndex {
  add(row: JobResult): void;
  /** The other column's answer to the row's case, or why there is none. */
  against(spec: PairwiseSpec, row: JobResult): Found;
}

export function createPairIndex(): PairIndex {
  const answers = new Map<string, string>();
  const key = (row: Pick<JobResult, 'task_id' | 'repeat'>, prompt: string, name: string) => `${row.task_id}\u0000${row.repeat}\u0000${prompt}\u0000${name}`;
  return {
    add(row) {
      if (row.status !== 'ok') return;
      const answer = judgedAnswer(row);
      answers.set(key(row, row.system_prompt_id, row.model_label), answer);
      answers.set(key(row, row.system_prompt_id, row.model), answer);
    },
    against(spec, row) {
      const [name, prompt = row.system_prompt_id] = spec.against.split(/\s+·\s+/);
      if ((row.model_label === name || row.model === name) && row.system_prompt_id === prompt) return { self: true };
      const other = answers.get(key(row, prompt, name!));
      return other === undefined ? { missing: `no ok answer in the ${spec.against} column for this task and repeat` } : { other };
    },
  };
}

/** The two verdict keys of a pair: the row's answer as A, then as B. */
export function pairKeys(spec: PairwiseSpec, prompt: string, answer: string, other: string): [string, string] {
  const keySpec = pairwiseKeySpec(spec);
  return [verdictKey(keySpec, prompt, `${answer}\u0000${other}`), verdictKey(keySpec, prompt, `${other}\u0000${answer}`)];
}

export function pairRequests(spec: PairwiseSpec, row: JobResult, prompt: string, other: string, structured: boolean): JudgeRequest[] {
  const answer = judgedAnswer(row);
  const [first, second] = pairKeys(spec, prompt, answer, other);
  const params = structured && spec.params.response_format === undefined ? { ...spec.params, response_format: PAIRWISE_FORMAT } : spec.params;
  const base = { spec: pairwiseKeySpec(spec), task_id: row.task_id, params, pairwise: true as const };
  return [
    { ...base, key: first, messages: pairwiseMessages(spec.rubric, prompt, answer, other) },
    { ...base, key: second, messages: pairwiseMessages(spec.rubric, prompt, other, answer) },
  ];
}
