// Pure: a resolved suite → the job matrix. The order and the ids are a contract
// (resume, sharding and baselines join on job_id), pinned by test/matrix.test.ts.
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { jobParams, type ResolvedSuite } from './resolve.js';
import type { Job, Message, Params } from '../types/job.js';

export interface MatrixFilter {
  models?: string[];
  tasks?: string[];
  prompts?: string[];
}

/**
 * Expand tasks × models × system prompts × repeats. Order: task, then model, then system
 * prompt, then repeat — so one task's answers from every arm finish close together.
 * `cliStream` false is --no-stream, over every level's `stream`.
 */
export function expandMatrix(suite: ResolvedSuite, cliParams: Params = {}, filter: MatrixFilter = {}, cliStream?: boolean): Job[] {
  const keep = <T extends { id: string }>(items: T[], wanted: string[] | undefined) =>
    wanted?.length ? items.filter((item) => wanted.includes(item.id)) : items;
  const jobs: Job[] = [];
  for (const task of keep(suite.tasks, filter.tasks)) {
    // A model listed twice must differ in what it sends, or its two arms would be one job.
    const arms = new Map<string, string>();
    for (const model of keep(suite.models, filter.models)) {
      const params = jobParams(suite.baseParams, model.params, task.params, cliParams);
      const stream = cliStream ?? task.stream ?? model.stream ?? suite.stream ?? true;
      for (const prompt of keep(suite.systemPrompts, filter.prompts)) {
        const messages: Message[] = prompt.text ? [{ role: 'system', content: prompt.text }, ...task.messages] : [...task.messages];
        const idOf = armJobIds(task.id, model.id, prompt.id, prompt.sha256, messages, params, stream);
        const twin = arms.get(idOf(0));
        if (twin !== undefined) throw new ConfigError(`Models \`${twin}\` and \`${model.label}\` (both ${model.id}) send the same requests for task ${task.id}: give them different params or stream, or drop one.`);
        arms.set(idOf(0), model.label);
        for (let repeat = 0; repeat < suite.repeats; repeat++) {
          jobs.push({
            job_id: idOf(repeat),
            index: jobs.length,
            task_id: task.id,
            model: model.id,
            model_label: model.label,
            system_prompt_id: prompt.id,
            system_prompt: prompt.text,
            system_prompt_sha256: prompt.sha256,
            repeat,
            messages,
            params,
            ...(stream ? {} : { stream: false }),
            checks: task.checks,
          });
        }
      }
    }
  }
  return jobs;
}

/** Names in a filter that match nothing: a typo in `--models` should fail, not run an empty matrix. */
export function unknownFilterNames(suite: ResolvedSuite, filter: MatrixFilter): string[] {
  const problems: string[] = [];
  const check = (flag: string, wanted: string[] | undefined, known: { id: string }[]) => {
    for (const name of wanted ?? []) {
      if (!known.some((k) => k.id === name)) problems.push(`${flag} ${name}: not in the suite (known: ${known.map((k) => k.id).join(', ')})`);
    }
  };
  check('--models', filter.models, suite.models);
  check('--tasks', filter.tasks, suite.tasks);
  check('--prompts', filter.prompts, suite.systemPrompts);
  return problems;
}

/** A 16-hex-digit hash of everything that makes a job a job; the same suite gives the same ids. */
export function jobId(
  taskId: string,
  model: string,
  promptId: string,
  promptSha: string,
  messages: Message[],
  params: Params,
  repeat: number,
  stream = true,
): string {
  return armJobIds(taskId, model, promptId, promptSha, messages, params, stream)(repeat);
}

/**
 * jobId for each repeat of one arm. The key is JSON.stringify([..., repeat]); everything before
 * the repeat is serialised once per arm, not once per job (100,000 jobs of one arm). The id is a
 * fresh 16-character string: a slice of the 64-digit hex digest would keep the digest alive too.
 */
function armJobIds(taskId: string, model: string, promptId: string, promptSha: string, messages: Message[], params: Params, stream: boolean): (repeat: number) => string {
  // Only a job sent without streaming names it, so every streamed job keeps the id it always had.
  const head = JSON.stringify([taskId, model, promptId, promptSha, messages, canonical(params), ...(stream ? [] : ['no-stream'])]).slice(0, -1);
  return (repeat) => createHash('sha256').update(`${head},${JSON.stringify(repeat)}]`).digest().toString('hex', 0, 8);
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
