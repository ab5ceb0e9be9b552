// Between the subject's jobs and finalize: the judge pass. It reads the final rows, works out
// every verdict their judge checks need (the rubric rendered with the row's vars, the task's
// prompt from the matrix, the answer with its tool calls), takes what the run folder's verdict
// store has and asks the judge for the rest. Finalize then reads the verdicts synchronously.
import { judgedAnswer, judgeMessages, judgeParams, verdictKey, type JudgeVerdict, type PairwiseLookup, type PairwiseVerdicts, type VerdictLookup } from '../checks/judge.js';
import { createPairIndex, pairKeys, pairRequests } from './pairwise.js';
import { readVerdict, verdictsDir, writeVerdict } from '../cache/verdicts.js';
import { rowChecks } from '../config/row-checks.js';
import type { Env } from '../env.js';
import { judgeAll, type JudgeRequest } from '../exec/judge.js';
import { finalRows } from '../store/journal-read.js';
import { contentText, type CheckSpec, type Job, type JudgeSpec, type PairwiseSpec } from '../types/job.js';
import type { JobResult } from '../types/result.js';
import type { RunStatus } from '../types/summary.js';
import { chatClient } from './client.js';
import type { RunPlan } from './prepare.js';

export interface JudgeOutcome {
  verdicts: VerdictLookup;
  pairwise: PairwiseLookup;
  /** Judge requests sent in this pass. */
  sent: number;
  /** How the judge's requests ended: `budget` when the cost cap kept some back. */
  status: RunStatus;
}

/** Null when the suite has no judge check. */
export async function judgeRun(plan: RunPlan, env: Env, fresh = false): Promise<JudgeOutcome | null> {
  const judged = (kind: CheckSpec['kind']) => kind === 'judge' || kind === 'pairwise';
  if (!plan.suite.entries.some((e) => e.checks.some((c) => judged(c.spec.kind)))) return null;
  const pairs = plan.suite.entries.some((e) => e.checks.some((c) => c.spec.kind === 'pairwise')) ? createPairIndex() : null;
  const checksFor = rowChecks(plan.suite, plan.tasks);
  // The task's prompt as the judge reads it: the conversation without the system prompt arm,
  // so that every arm is judged by the same standard (and shares verdicts for equal answers).
  const prompts = new Map<string, { text: string; sha: string }>();
  for await (const job of plan.jobs.jobs()) if (job.checks?.some((c) => judged(c.kind))) prompts.set(job.job_id, { text: promptText(job), sha: job.prompt_sha256 });
  const problem = (row: JobResult): string | null => {
    const prompt = prompts.get(row.job_id);
    if (!prompt) return "the row's job is not in the suite's matrix any more";
    return prompt.sha !== row.prompt_sha256 ? 'the prompt changed since this answer was made' : null;
  };
  const keyOf = (spec: JudgeSpec, row: JobResult) => verdictKey(spec, prompts.get(row.job_id)!.text, judgedAnswer(row));
  const structured = (model: string) => {
    const info = plan.catalog?.find(model);
    return Boolean(info && (info.flags.structured_outputs || info.supported_parameters.includes('structured_outputs')));
  };
  const requests: JudgeRequest[] = [];
  // Rows with pairwise checks wait until every column's answers are indexed.
  const paired: { row: JobResult; specs: PairwiseSpec[] }[] = [];
  for await (const row of finalRows(plan.paths.outDir, { fresh })) {
    pairs?.add(row);
    if (row.status !== 'ok' || problem(row)) continue;
    const specs = checksFor(row) ?? [];
    for (const spec of judgeSpecs(specs)) {
      const prompt = prompts.get(row.job_id)!.text;
      requests.push({ key: keyOf(spec, row), spec, task_id: row.task_id, messages: judgeMessages(spec.rubric, prompt, judgedAnswer(row)), params: judgeParams(spec, structured(spec.model)) });
    }
    const mine = specs.filter((s): s is PairwiseSpec => s.kind === 'pairwise');
    if (mine.length) paired.push({ row: { ...row, reasoning_text: '' }, specs: mine });
  }
  for (const { row, specs } of paired) {
    for (const spec of specs) {
      const found = pairs!.against(spec, row);
      if ('other' in found) requests.push(...pairRequests(spec, row, prompts.get(row.job_id)!.text, found.other, structured(spec.model)));
    }
  }
  const dir = verdictsDir(plan.paths.outDir);
  const client = chatClient(plan, env);
  const { budget, settings } = plan;
  budget?.releaseJudges();
  let pass;
  try {
    pass = await judgeAll(requests, {
      client,
      concurrency: settings.concurrency,
      retry: settings.retry,
      generation: settings.generation,
      run_id: 'judge',
      now: env.now,
      date: env.date,
      random: Math.random,
      logger: plan.logger,
      signal: env.signal,
      stopSignal: env.stopSignal,
      store: { read: (key) => readVerdict(dir, key), write: (key, model, verdict) => writeVerdict(dir, key, model, verdict, env.date().toISOString()) },
      admit: budget ? (job) => budget.admit(job) : undefined,
      mayRetry: budget ? (job, billed) => budget.retry(job, billed) : undefined,
      settle: budget ? (job, row) => budget.settle(job, row) : undefined,
    });
  } finally {
    await client.close();
  }
  if (pass.sent) plan.logger.info(`judge: ${pass.sent} verdict${pass.sent === 1 ? '' : 's'} asked, ${pass.verdicts.size - pass.sent} from the run's verdict store`);
  const verdicts = pass.verdicts;
  const missing = (why: string) => ({ first: undefined, second: undefined, missing: why });
  return {
    pairwise: (spec, row): PairwiseVerdicts => {
      const why = problem(row);
      if (why) return missing(why);
      const found = pairs!.against(spec, row);
      if (!('other' in found)) return 'self' in found ? found : missing(found.missing);
      const [first, second] = pairKeys(spec, prompts.get(row.job_id)!.text, judgedAnswer(row), found.other);
      return { first: verdicts.get(first), second: verdicts.get(second), missing: null };
    },
    sent: pass.sent,
    status: pass.outcome?.status ?? 'ok',
    verdicts: (spec, row): JudgeVerdict | undefined => {
      const why = problem(row);
      if (why) return { score: null, reason: '', error: why, cost_usd: null, tokens_prompt: null, tokens_completion: null };
      return verdicts.get(keyOf(spec, row));
    },
  };
}

const judgeSpecs = (specs: readonly CheckSpec[] | undefined): JudgeSpec[] => (specs ?? []).filter((s): s is JudgeSpec => s.kind === 'judge');

/** One user message as its text; a conversation as `role: text` lines. */
function promptText(job: Job): string {
  const said = job.messages.filter((m) => m.role !== 'system');
  if (said.length === 1) return contentText(said[0]!.content);
  return said.map((m) => `${m.role}: ${contentText(m.content)}`).join('\n\n');
}
