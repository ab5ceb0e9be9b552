// Pure: one item of a suite's `tasks:` compiled once (its templates parsed, its checks resolved),
// then rendered once per row — a plain task is a dataset of one row with no fields. Every problem
// is a FieldError naming the field, so the caller can point at the suite's line for it.
import { regexProblem } from '../checks/schema.js';
import type { CheckSpec, Message, Params, Role, Vars } from '../types/job.js';
import { compileTemplate, TemplateError, type Template } from './template.js';

export const DATASET_FORMATS = ['csv', 'jsonl', 'json', 'yaml'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

/** The file a dataset entry reads (`from:`). */
export interface DatasetRef {
  /** As written in the suite. */
  written: string;
  /** Absolute. */
  path: string;
  /** File name without its extension: default ids are `<stem>-<row>`. */
  stem: string;
  format: DatasetFormat;
}

/** Where a field of the suite is, for an issue. */
export interface Place {
  file: string;
  line: number | null;
  column: number | null;
  /** Dotted path, e.g. `tasks.2.prompt`. */
  path: string;
}

/** A check whose string argument (text, regex pattern, rubric) may be a template; tool_args_equal's string values too. */
export interface CheckTemplate {
  spec: CheckSpec;
  arg: Template | null;
  /** tool_args_equal: the expected arguments hold a template somewhere. */
  args?: true;
}

export interface TaskEntry {
  /** Position in the suite's `tasks:`. */
  index: number;
  /** Where a field of this entry is (`where('prompt')`), or the entry itself (`where()`). */
  where: (field?: string) => Place;
  dataset: DatasetRef | null;
  /** The id template; null for a dataset without one (the row's `id`, else `<stem>-<row>`). */
  id: Template | null;
  messages: { role: Role; content: Template }[];
  /** The key the one user message came from (`prompt`, `prompt_file`); null for `messages`. */
  promptKey: 'prompt' | 'prompt_file' | null;
  /** Image references: local paths (relative to baseDir), http(s): or data: URLs. */
  images: Template[];
  /** The entry's own `vars` (a row's fields win over them). */
  vars: Vars;
  params: Params;
  /** The entry's own `stream`; absent: the model's, then the suite's. */
  stream?: boolean;
  /** The entry's own `repeats`; absent: the suite's. */
  repeats?: number;
  /** The suite's checks, then the entry's own. */
  checks: CheckTemplate[];
  /** Some check argument is a template: the checks differ from row to row. */
  rowChecks: boolean;
  /** Image paths resolve from here: the dataset's folder, else the suite's. */
  baseDir: string;
}

/** A problem in one field of an entry, for one row. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

/** A task rendered for one row, before its images are read. */
export interface RenderedTask {
  id: string;
  messages: Message[];
  imageRefs: string[];
  checks: CheckSpec[];
  vars: Vars;
}

/** The row's variables: suite vars < entry vars < the row's own fields < --var. */
export function rowVars(suiteVars: Vars, entry: Pick<TaskEntry, 'vars'>, fields: Vars | null, cliVars: Vars): Vars {
  return { ...suiteVars, ...entry.vars, ...fields, ...cliVars };
}

/** Render one row of an entry (row 1 of a plain task); `idOnly` stops after the id (for a selection). */
export function renderEntry(entry: TaskEntry, vars: Vars, fields: Vars | null, row: number, idOnly = false): RenderedTask {
  const render = (field: string, template: Template) => {
    try {
      return template.render(vars);
    } catch (error) {
      if (error instanceof TemplateError) throw new FieldError(field, error.message);
      throw error;
    }
  };
  const id = taskId(entry, fields, row, render);
  if (idOnly) return { id, messages: [], imageRefs: [], checks: [], vars };
  const messages = entry.messages.map((m, i) => ({ role: m.role, content: render(entry.promptKey ?? `messages.${i}.content`, m.content) }));
  const imageRefs = entry.images.map((image, i) => {
    const ref = render(`images.${i}`, image).trim();
    if (ref === '') throw new FieldError(`images.${i}`, `the image template ${image.text} renders to an empty string: give a path or URL`);
    return ref;
  });
  return { id, messages, imageRefs, checks: renderChecks(entry.checks, render), vars };
}

function taskId(entry: TaskEntry, fields: Vars | null, row: number, render: (field: string, t: Template) => string): string {
  let id: string;
  if (entry.id) id = render('id', entry.id);
  else {
    const own = fields?.id;
    id = typeof own === 'string' || typeof own === 'number' ? String(own) : `${entry.dataset?.stem ?? 'task'}-${row}`;
  }
  if (!/^\S+$/.test(id)) {
    const from = entry.id ? `the id template ${JSON.stringify(entry.id.text)}` : 'the row\'s `id` field';
    throw new FieldError('id', `the task id ${JSON.stringify(id)} (from ${from}) is empty or has whitespace: ids name rows, files and --tasks filters`);
  }
  return id;
}

/** Checks with their templated arguments rendered; a rendered regex must still compile. */
export function renderChecks(checks: readonly CheckTemplate[], render: (field: string, t: Template) => string): CheckSpec[] {
  return checks.map(({ spec, arg, args }, i) => {
    const field = `checks.${i}.${spec.kind}`;
    if (args && spec.kind === 'tool_args_equal') return { ...spec, arguments: renderLeaves(spec.arguments, (text) => render(field, compileTemplate(text))) };
    if (!arg) return spec;
    if (spec.kind === 'judge' || spec.kind === 'pairwise') return { ...spec, rubric: render(field, arg) };
    const text = render(field, arg);
    if (spec.kind === 'regex') {
      const problem = regexProblem(text, spec.flags);
      if (problem) throw new FieldError(field, `the regex template ${arg.text} renders to ${JSON.stringify(text)}: ${problem}`);
      return { ...spec, pattern: text };
    }
    if (spec.kind === 'equals') return { ...spec, value: text };
    if (spec.kind === 'contains' || spec.kind === 'not_contains' || spec.kind === 'icontains' || spec.kind === 'starts_with') {
      if (text === '') throw new FieldError(field, `the check template ${arg.text} renders to an empty string, which every answer ${spec.kind === 'not_contains' ? 'fails' : 'passes'}`);
      return { ...spec, value: text };
    }
    return spec;
  });
}

/** A check's templatable argument: the text of a text check, the pattern of a regex. */
export function checkTemplate(spec: CheckSpec): CheckTemplate {
  if (spec.kind === 'tool_args_equal') return { spec, arg: null, ...(hasTemplate(spec.arguments) ? { args: true as const } : {}) };
  const text = spec.kind === 'regex' ? spec.pattern : spec.kind === 'judge' || spec.kind === 'pairwise' ? spec.rubric : 'value' in spec ? spec.value : null;
  const arg = text === null ? null : compileTemplate(text);
  return { spec, arg: arg && !arg.literal ? arg : null };
}

/** Some string inside `value` is a template. */
function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return !compileTemplate(value).literal;
  if (Array.isArray(value)) return value.some(hasTemplate);
  return value !== null && typeof value === 'object' && Object.values(value).some(hasTemplate);
}

/** `value` with every string rendered (keys and other values as they are). */
function renderLeaves(value: unknown, render: (text: string) => string): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((v) => renderLeaves(v, render));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderLeaves(v, render)]));
  return value;
}
