// The judge pass: every verdict the rows need, from the run folder's verdict store or asked of
// the judge model. Judge requests are jobs sent by the same runner as the subject's, so they
// get its retries, timeouts, /generation cost, concurrency, rate adaptation and cost cap. A
// verdict the judge could not give is an error verdict (never stored: asked again next time).
import { parseReply, parseVerdict, type JudgeVerdict } from '../checks/judge.js';
import { parsePreference } from '../checks/pairwise.js';
import type { Job, JudgeSpec, Message, Params } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import { runJobs, type RunnerDeps, type RunnerOutcome } from './runner.js';

/** One verdict to find: `key` names everything that decides it (checks/judge.ts verdictKey). */
export interface JudgeRequest {
  key: string;
  spec: JudgeSpec;
  task_id: string;
  messages: Message[];
  params: Params;
  /** A pairwise request: its reply names a winner (checks/pairwise.ts). */
  pairwise?: true;
}

export interface VerdictStore {
  read(key: string): Promise<JudgeVerdict | null>;
  write(key: string, model: string, verdict: JudgeVerdict): Promise<void>;
}

export type JudgeDeps = Omit<RunnerDeps, 'onRow' | 'onCost' | 'fromCache' | 'recoverCosts'> & { store: VerdictStore };

export interface JudgePass {
  verdicts: Map<string, JudgeVerdict>;
  /** Judge requests sent (verdicts not found in the store). */
  sent: number;
  outcome: RunnerOutcome | null;
}

export async function judgeAll(requests: Iterable<JudgeRequest>, deps: JudgeDeps): Promise<JudgePass> {
  const verdicts = new Map<string, JudgeVerdict>();
  const toSend = new Map<string, JudgeRequest>();
  for (const request of requests) {
    if (verdicts.has(request.key) || toSend.has(request.key)) continue;
    const stored = await deps.store.read(request.key);
    if (stored) verdicts.set(request.key, stored);
    else toSend.set(request.key, request);
  }
  if (!toSend.size) return { verdicts, sent: 0, outcome: null };
  const byJob = new Map<string, JudgeRequest>();
  const jobs = [...toSend.values()].map((request, index) => {
    const job = judgeJob(request, index);
    byJob.set(job.job_id, request);
    return job;
  });
  const stored = new Set<string>();
  const keep = (request: JudgeRequest, verdict: JudgeVerdict) => {
    verdicts.set(request.key, verdict);
    if (verdict.error !== null || stored.has(request.key)) return;
    stored.add(request.key);
    deps.store.write(request.key, request.spec.model, verdict).catch((error: unknown) => deps.logger.warn(`could not store a judge verdict: ${String(error)}`));
  };
  const outcome = await runJobs(jobs, {
    ...deps,
    onRow: (row, job) => {
      const request = byJob.get(job.job_id)!;
      const verdict = fromReply(row, request);
      // The cost comes with /generation (onCost); store now only when none is coming.
      if (verdict.error !== null || row.cost_source !== 'pending') keep(request, verdict);
      else verdicts.set(request.key, verdict);
    },
    onCost: (row) => {
      const request = byJob.get(row.job_id)!;
      const verdict = verdicts.get(request.key);
      if (!verdict) return;
      keep(request, {
        ...verdict,
        cost_usd: row.spent_usd ?? row.cost_usd,
        tokens_prompt: row.native_tokens_prompt ?? verdict.tokens_prompt,
        tokens_completion: row.native_tokens_completion ?? verdict.tokens_completion,
      });
    },
  });
  for (const request of toSend.values()) {
    const verdict = verdicts.get(request.key);
    if (!verdict) verdicts.set(request.key, notAsked(outcome));
    else if (verdict.error === null) keep(request, verdict);
  }
  return { verdicts, sent: outcome.dispatched, outcome };
}

/** A judge's reply row → its verdict: a failed request or an unparsable reply is an error. */
function fromReply(row: JobResult, request: JudgeRequest): JudgeVerdict {
  const figures = { cost_usd: null, tokens_prompt: row.tokens_prompt, tokens_completion: row.tokens_completion };
  if (row.status !== 'ok') return { score: null, reason: '', error: `the judge request failed (${row.error_kind}: ${row.error_message})`, ...figures };
  const parsed = request.pairwise ? parseReply(row.output_text, parsePreference, '{"winner", "reason"}') : parseVerdict(row.output_text);
  if ('problem' in parsed) return { score: null, reason: '', error: parsed.problem, ...figures };
  return { score: parsed.score, reason: parsed.reason, error: null, ...figures };
}

function notAsked(outcome: RunnerOutcome): JudgeVerdict {
  const why = outcome.status === 'budget' ? 'not asked: the cost cap would be crossed' : `not asked: the run ${outcome.status === 'interrupted' ? 'was interrupted' : 'stopped'}`;
  return { score: null, reason: '', error: why, cost_usd: null, tokens_prompt: null, tokens_completion: null };
}

/** A judge request as a job: not streamed (the verdict is read whole), identified by its key. */
function judgeJob(request: JudgeRequest, index: number): Job {
  return {
    job_id: `judge-${request.key.slice(0, 32)}`,
    index,
    task_id: request.task_id,
    model: request.spec.model,
    model_label: request.spec.model,
    system_prompt_id: 'judge',
    system_prompt: '',
    system_prompt_sha256: '',
    repeat: 0,
    messages: request.messages,
    params: request.params,
    stream: false,
    vars: {},
    prompt_sha256: request.key,
  };
}
