// The suite's tasks as a stream, never all held at once. `scanTasks` reads everything once before
// anything is sent (every bad row, undefined variable, missing image, duplicate id, with both
// lines) and counts; `selectedTasks` streams them again for the matrix, filters applied.
import { createHash } from 'node:crypto';
import { ConfigError, type Issue } from '../errors.js';
import type { Vars } from '../types/job.js';
import { readDataset, type DatasetItem } from './dataset-read.js';
import { FieldError, renderEntry, rowVars, type Place, type TaskEntry } from './entry.js';
import { ImageError, loadImage } from './images.js';
import type { ResolvedSuite, ResolvedTask } from './resolve.js';
import { DEFAULT_SAMPLE_SEED, sampleKey, sampleMask } from './select.js';
import { TemplateError } from './template.js';

/** What part of the suite's tasks a run takes, and the variables from the command line. */
export interface TaskSelection {
  /** `--var key=value`: win over every other variable. */
  vars?: Vars;
  /** `--tasks`: only these ids. */
  tasks?: string[];
  /** `--sample N`: a deterministic random sample of N tasks. */
  sample?: number;
  sampleSeed?: number;
  /** `--limit N`: the first N tasks (of the sample, when both are given). */
  limit?: number;
}

export interface TaskScan {
  /** Tasks the matrix takes (after --tasks, --sample, --limit). */
  count: number;
  /** Runs of those tasks: each counted `repeats` times (its own, else the suite's). The matrix has runs × models × system prompts jobs. */
  runs: number;
  /** Tasks after --tasks, before --sample and --limit. */
  total: number;
  /** By position after --tasks: whether the sample keeps it; null without --sample. */
  keep: Uint8Array | null;
  limit: number;
  /** Task id → its entry in `tasks:`, for the checks of a row; null when every task has the same checks. */
  entryOf: ((id: string) => number | undefined) | null;
}

/** Most issues listed; the rest are counted. */
const MAX_ISSUES = 50;

/** One row of an entry: a dataset row, or the one row of a plain task. */
interface Row {
  entry: TaskEntry;
  item: DatasetItem;
}

async function* rows(suite: ResolvedSuite): AsyncGenerator<Row> {
  for (const entry of suite.entries) {
    if (!entry.dataset) {
      yield { entry, item: { ok: true, fields: {}, row: 1, at: '' } };
      continue;
    }
    let any = false;
    for await (const item of readDataset(entry.dataset)) {
      any = true;
      yield { entry, item };
    }
    if (!any) yield { entry, item: { ok: false, at: null, message: 'is empty: a dataset needs at least one row' } };
  }
}

/** At the entry's field (or a suite-level place, for a system prompt), naming the dataset row. */
const issueAt = (entry: TaskEntry, field: string, at: string | null, message: string, place?: Place): Issue => {
  const row = entry.dataset ? `${entry.dataset.written}${at ?? ''}: ` : place ? `tasks.${entry.index}: ` : '';
  return { ...(place ?? entry.where(field)), message: `${row}${message}` };
};

/** A long scan (onTask prices every job) lets the event loop turn this often: timers, signals and cli/signals.ts's heap cap wait otherwise. */
const TURN_MS = 50;

/**
 * Read every task once; throws one ConfigError listing every problem. `onTask` sees each task
 * that --tasks keeps, in order (what the matrix streams when there is no --sample or --limit),
 * so a caller can do its own pass in this one.
 */
export async function scanTasks(suite: ResolvedSuite, selection: TaskSelection = {}, onTask?: (task: ResolvedTask) => void): Promise<TaskScan> {
  const issues: Issue[] = [];
  let more = 0;
  const report = (issue: Issue) => (issues.length < MAX_ISSUES ? issues.push(issue) : more++);
  // id → entry and place, packed in one number (entry × 2^32 + line or index): a duplicate names both rows.
  const seen = new Map<string, number>();
  const wanted = selection.tasks?.length ? new Set(selection.tasks) : null;
  const found = new Set<string>();
  const keys: number[] = [];
  const ownRepeats = suite.entries.some((e) => e.repeats !== undefined && e.repeats !== suite.repeats);  // repeats by position: only when a task has its own
  const repeatsAt: number[] = [];
  const seed = selection.sampleSeed ?? DEFAULT_SAMPLE_SEED;
  let turned = performance.now();
  for await (const { entry, item } of rows(suite)) {
    if (!item.ok) {
      report(issueAt(entry, 'from', item.at, item.message));
      continue;
    }
    let task: ResolvedTask;
    try {
      task = await renderTask(suite, entry, item, selection.vars ?? {});
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      report(issueAt(entry, error.field, item.at, error.message, error.place));
      continue;
    }
    const position = Number(/\d+/.exec(item.at)?.[0] ?? 0);
    const first = seen.get(task.id);
    if (first !== undefined) {
      report(issueAt(entry, entry.dataset ? 'from' : 'id', item.at, `duplicate task id \`${task.id}\`: ${placeOf(suite, first)} has it too (ids must be unique across the suite)`));
      continue;
    }
    seen.set(task.id, entry.index * 2 ** 32 + position);
    if (wanted && !wanted.has(task.id)) continue;
    found.add(task.id);
    if (ownRepeats) repeatsAt.push(entry.repeats ?? suite.repeats);
    if (selection.sample !== undefined) keys.push(sampleKey(seed, task.id));
    if (issues.length === 0) onTask?.(task);
    if (performance.now() - turned > TURN_MS) turned = await new Promise((next) => setImmediate(() => next(performance.now())));
  }
  for (const name of wanted ?? []) if (!found.has(name) && !seen.has(name)) report({ file: '--tasks', line: null, column: null, path: '', message: `${name}: not a task of the suite${suggestIds(seen, name)}` });
  if (issues.length) {
    const tail = more ? [{ file: '…', line: null, column: null, path: '', message: `and ${more} more` }] : [];
    throw new ConfigError(`The suite's tasks have ${issues.length + more} problem${issues.length + more === 1 ? '' : 's'} (nothing was sent):`, [...issues, ...tail]);
  }
  const total = wanted ? found.size : seen.size;
  const keep = selection.sample !== undefined ? sampleMask(keys, selection.sample) : null;
  const sampled = selection.sample !== undefined ? Math.min(selection.sample, total) : total;
  const limit = selection.limit ?? Infinity;
  const sameChecks = suite.entries.every((e) => !e.rowChecks && e.checks.length === suite.entries[0]!.checks.length && e.checks.every((c, i) => c.spec === suite.entries[0]!.checks[i]!.spec));
  const count = Math.min(sampled, limit);
  const runs = ownRepeats ? selectedRuns(repeatsAt, keep, limit) : count * suite.repeats;
  // One entry (a dataset with templated checks, say): every task is that entry's, so the ids need not be kept.
  const entryOf = sameChecks ? null : suite.entries.length === 1 ? () => 0 : (id: string) => entryOfPacked(seen.get(id));
  return { count, runs, total, keep, limit, entryOf };
}

/** Σ repeats over the tasks selectedTasks yields: the same --sample mask and --limit, by position. */
function selectedRuns(repeatsAt: readonly number[], keep: Uint8Array | null, limit: number): number {
  let runs = 0;
  let taken = 0;
  for (let position = 0; position < repeatsAt.length && taken < limit; position++) {
    if (keep && !keep[position]) continue;
    taken++;
    runs += repeatsAt[position]!;
  }
  return runs;
}

/** The tasks a scan selected, rendered again one at a time, in the suite's order. */
export async function* selectedTasks(suite: ResolvedSuite, scan: TaskScan, selection: TaskSelection = {}): AsyncGenerator<ResolvedTask> {
  const wanted = selection.tasks?.length ? new Set(selection.tasks) : null;
  let position = -1;
  let taken = 0;
  for await (const { entry, item } of rows(suite)) {
    if (taken >= scan.limit) return;
    if (!item.ok) throw changed(entry);
    // The id alone decides the selection: the rest is rendered (and images read) only for tasks kept.
    const id = await renderTask(suite, entry, item, selection.vars ?? {}, true).catch(() => null);
    if (id === null) throw changed(entry);
    if (wanted && !wanted.has(id.id)) continue;
    position++;
    if (scan.keep && !scan.keep[position]) continue;
    taken++;
    const task = await renderTask(suite, entry, item, selection.vars ?? {}).catch((error: unknown) => {
      throw error instanceof RowError ? changed(entry) : error;
    });
    yield task;
  }
}

const changed = (entry: TaskEntry) =>
  new ConfigError(`${entry.dataset?.written ?? 'A task'} changed while the run was reading it (a row that was valid is not any more): run again.`);

class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly place?: Place,
  ) {
    super(message);
  }
}

/** One row as a task: templates rendered, system prompts too (they may use the row's vars), images read. */
async function renderTask(suite: ResolvedSuite, entry: TaskEntry, item: Extract<DatasetItem, { ok: true }>, cliVars: Vars, idOnly = false): Promise<ResolvedTask> {
  const fields = entry.dataset ? item.fields : null;
  const vars = rowVars(suite.vars, entry, fields, cliVars);
  let rendered;
  try {
    rendered = renderEntry(entry, vars, fields, item.row, idOnly);
  } catch (error) {
    if (error instanceof FieldError) throw new RowError(error.field, error.message);
    throw error;
  }
  const task: ResolvedTask = { id: rendered.id, messages: rendered.messages, params: entry.params, checks: rendered.checks, vars, entry: entry.index, system: [], ...(entry.stream === undefined ? {} : { stream: entry.stream }), ...(entry.repeats === undefined ? {} : { repeats: entry.repeats }) };
  if (idOnly) return task;
  task.system = suite.systemPrompts.map((prompt) => {
    if (prompt.template.literal) return { text: prompt.text, sha256: prompt.sha256 };
    try {
      const text = prompt.template.render(vars);
      return { text, sha256: createHash('sha256').update(text).digest('hex') };
    } catch (error) {
      if (error instanceof TemplateError) throw new RowError('', error.message, prompt.where);
      throw error;
    }
  });
  if (rendered.imageRefs.length) {
    const parts = [];
    for (const [i, ref] of rendered.imageRefs.entries()) {
      try {
        parts.push(await loadImage(ref, entry.baseDir, suite.maxImageBytes, suite.fileRules));
      } catch (error) {
        if (error instanceof ImageError) throw new RowError(`images.${i}`, error.message);
        throw error;
      }
    }
    // Images go with the last user message, after its text (one is added when there is none).
    const last = task.messages.findLastIndex((m) => m.role === 'user');
    if (last < 0) task.messages.push({ role: 'user', content: parts });
    else task.messages[last] = { role: 'user', content: [{ type: 'text', text: task.messages[last]!.content as string }, ...parts] };
  }
  return task;
}

function placeOf(suite: ResolvedSuite, packed: number): string {
  const entry = suite.entries[entryOfPacked(packed)!]!;
  const position = packed % 2 ** 32;
  if (!entry.dataset) return `tasks.${entry.index} (${entry.where('id').file}:${entry.where('id').line ?? '?'})`;
  return entry.dataset.format === 'json' ? `${entry.dataset.written}[${position}]` : `${entry.dataset.written}:${position}`;
}

const entryOfPacked = (packed: number | undefined) => (packed === undefined ? undefined : Math.floor(packed / 2 ** 32));

function suggestIds(seen: Map<string, number>, name: string): string {
  const close = [...seen.keys()].filter((id) => id.toLowerCase() === name.toLowerCase()).slice(0, 3);
  return close.length ? ` (did you mean ${close.map((id) => `\`${id}\``).join(', ')}?)` : '';
}
