// Pure: a resolved suite and its stream of tasks → the job matrix. The order and the ids are a
// contract (resume, sharding and baselines join on job_id), pinned by test/matrix.test.ts.
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { jobParams, mergeParams, type ResolvedSuite, type ResolvedTask } from './resolve.js';
import type { Job, Message, Params } from '../types/job.js';

export interface MatrixFilter {
  models?: string[];
  tasks?: string[];
  prompts?: string[];
}

/**
 * The matrix, never held whole: its size is computed, and each pass over its jobs expands the
 * tasks again as they stream in (a 100,000-row dataset is read, not kept).
 */
export interface Matrix {
  /** Jobs in the matrix. */
  readonly size: number;
  /** A fresh pass over the jobs, in matrix order. */
  jobs(): AsyncIterable<Job>;
}

const keep = <T extends { id: string }>(items: T[], wanted: string[] | undefined) => (wanted?.length ? items.filter((item) => wanted.includes(item.id)) : items);

/**
 * Tasks × models × system prompts × repeats, over a stream of tasks with `runs` repeats in all (TaskScan.runs). Order: task,
 * then model, then system prompt, then repeat — so one task's answers from every arm finish
 * close together. `tasks` starts a fresh stream of the (already filtered) tasks.
 */
export function createMatrix(suite: ResolvedSuite, tasks: () => AsyncIterable<ResolvedTask>, runs: number, arms: Arms = matrixArms(suite)): Matrix {
  return {
    size: runs * arms.perRun,
    async *jobs() {
      let index = 0;
      for await (const task of tasks()) {
        const jobs = arms.expand(task, index);
        index += jobs.length;
        yield* jobs;
      }
    },
  };
}

/** The whole matrix of a list of tasks, at once: for tests and small suites. */
export function expandMatrix(suite: ResolvedSuite, tasks: readonly ResolvedTask[], cliParams: Params = {}, filter: MatrixFilter = {}, cliStream?: boolean): Job[] {
  const arms = matrixArms(suite, cliParams, filter, cliStream);
  const wanted = filter.tasks?.length ? tasks.filter((t) => filter.tasks!.includes(t.id)) : tasks;
  const jobs: Job[] = [];
  for (const task of wanted) jobs.push(...arms.expand(task, jobs.length));
  return jobs;
}

/** The arms (model × system prompt × repeat) every task runs on, and how one task becomes its jobs. */
export interface Arms {
  /** Jobs per run of a task (models × system prompts); a task has one run per repeat. */
  perRun: number;
  /** One task's jobs, the first at matrix position `index`. */
  expand(task: ResolvedTask, index: number): Job[];
}

/** `cliStream` false is --no-stream, over every level's `stream`. */
export function matrixArms(suite: ResolvedSuite, cliParams: Params = {}, filter: MatrixFilter = {}, cliStream?: boolean): Arms {
  const models = keep(suite.models, filter.models);
  const prompts = keep(suite.systemPrompts, filter.prompts).map((prompt) => ({ prompt, at: suite.systemPrompts.indexOf(prompt) }));
  // A dataset's rows share one params object: merge it with each model's once, not once per row.
  const merged = new WeakMap<Params, Params[]>();
  const paramsFor = (taskParams: Params, m: number) => {
    let list = merged.get(taskParams);
    if (!list) merged.set(taskParams, (list = models.map((model) => jobParams(suite.baseParams, model.params, taskParams, model.pin ? mergeParams(cliParams, model.pin) : cliParams))));
    return list[m]!;
  };
  return {
    perRun: models.length * prompts.length,
    expand(task, index) {
      const jobs: Job[] = [];
      // A model listed twice must differ in what it sends, or its two arms would be one job.
      const twins = new Map<string, string>();
      models.forEach((model, m) => {
        const params = paramsFor(task.params, m);
        const stream = cliStream ?? task.stream ?? model.stream ?? suite.stream ?? true;
        for (const { prompt, at } of prompts) {
          const system = task.system[at] ?? { text: prompt.text, sha256: prompt.sha256 };
          const messages: Message[] = system.text ? [{ role: 'system', content: system.text }, ...task.messages] : [...task.messages];
          const idOf = armJobIds(task.id, model.id, prompt.id, system.sha256, messages, params, stream);
          const twin = twins.get(idOf(0));
          if (twin !== undefined) throw new ConfigError(`Models \`${twin}\` and \`${model.label}\` (both ${model.id}) send the same requests for task ${task.id}: give them different params or stream, or drop one.`);
          twins.set(idOf(0), model.label);
          const promptSha = sha256(JSON.stringify(messages));
          for (let repeat = 0; repeat < (task.repeats ?? suite.repeats); repeat++) {
            jobs.push({
              job_id: idOf(repeat),
              index: index + jobs.length,
              task_id: task.id,
              model: model.id,
              model_label: model.label,
              system_prompt_id: prompt.id,
              system_prompt: system.text,
              system_prompt_sha256: system.sha256,
              repeat,
              messages,
              params,
              ...(stream ? {} : { stream: false }),
              vars: task.vars,
              prompt_sha256: promptSha,
              checks: task.checks,
            });
          }
        }
      });
      return jobs;
    },
  };
}

/** Model and system prompt names in a filter that match nothing: a typo in `--models` should fail, not run an empty matrix. (--tasks is checked as the tasks are read.) */
export function unknownFilterNames(suite: ResolvedSuite, filter: MatrixFilter): string[] {
  const problems: string[] = [];
  const check = (flag: string, wanted: string[] | undefined, known: { id: string }[]) => {
    for (const name of wanted ?? []) {
      if (!known.some((k) => k.id === name)) problems.push(`${flag} ${name}: not in the suite (known: ${known.map((k) => k.id).join(', ')})`);
    }
  };
  check('--models', filter.models, suite.models);
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
