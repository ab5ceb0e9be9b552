// Pure: a suite's templates compiled once — system prompts, and each item of `tasks:` as a
// TaskEntry (entry.ts) — with every template syntax error reported at the line that holds it.
import { createHash } from 'node:crypto';
import { basename, dirname, extname, resolve as resolvePath } from 'node:path';
import { toCheckSpecs } from '../checks/spec.js';
import { ConfigError, type Issue } from '../errors.js';
import { checkTemplate, type DatasetFormat, type DatasetRef, type Place, type TaskEntry } from './entry.js';
import type { LoadedSuite } from './load.js';
import type { Suite } from './schema.js';
import type { Params } from '../types/job.js';
import { compileTemplate, TemplateError, type Template } from './template.js';

export interface ResolvedSystemPrompt {
  id: string;
  /** As written; a template rendered with each task's vars. '' means no system message is sent. */
  text: string;
  /** sha256 of `text` (of the rendered text on a job). */
  sha256: string;
  template: Template;
  /** Where it is in the suite, for a problem found when it is rendered for a task. */
  where?: Place;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function compileSuite(loaded: LoadedSuite): { systemPrompts: ResolvedSystemPrompt[]; entries: TaskEntry[] } {
  const { suite, files } = loaded;
  const fileText = (written: string): string => {
    const text = files[written];
    if (text === undefined) throw new Error(`internal: ${written} was not loaded with the suite`);
    return text;
  };
  const issues: Issue[] = [];
  const place = (path: (string | number)[]) => ({ ...(loaded.locate?.(path) ?? { file: loaded.path, line: null, column: null }), path: path.join('.') });
  // A template syntax error is reported at the line that holds the template.
  const compile = (text: string, path: (string | number)[]): Template => {
    try {
      return compileTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      issues.push({ ...place(path), message: error.message });
      return compileTemplate('');
    }
  };
  const checks = (items: Suite['checks'], path: (string | number)[]) =>
    toCheckSpecs(items ?? [], (file) => JSON.parse(fileText(file)) as Record<string, unknown>, suite.judge, { text: fileText, dir: loaded.dir }).map((spec, i) => {
      const item = checkTemplate(spec);
      if (item.arg) compile(item.arg.text, [...path, i]);
      return item;
    });
  const suiteChecks = checks(suite.checks, ['checks']);
  const prompts = Object.entries(suite.system_prompts ?? { default: '' }).map(([id, prompt]) => {
    const text = typeof prompt === 'string' ? prompt : fileText(prompt.file);
    return { id, text, sha256: sha256(text), template: compile(text, ['system_prompts', id]), where: place(['system_prompts', id]) };
  });
  const entries = suite.tasks.map((task, index): TaskEntry => {
    const at = (field?: string) => place(field === undefined ? ['tasks', index] : ['tasks', index, ...field.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))]);
    const dataset = task.from === undefined ? null : datasetRef(task.from, loaded.dir);
    const messages = task.messages
      ? task.messages.map((m, i) => ({ role: m.role, content: compile(m.content, ['tasks', index, 'messages', i, 'content']) }))
      : [{ role: 'user' as const, content: compile(task.prompt ?? fileText(task.prompt_file ?? ''), ['tasks', index, task.prompt === undefined ? 'prompt_file' : 'prompt']) }];
    const own = checks(task.checks, ['tasks', index, 'checks']);
    return {
      index,
      where: at,
      dataset,
      id: task.id === undefined ? null : compile(task.id, ['tasks', index, 'id']),
      messages,
      promptKey: task.messages ? null : task.prompt === undefined ? 'prompt_file' : 'prompt',
      images: (task.images ?? []).map((image, i) => compile(image, ['tasks', index, 'images', i])),
      vars: task.vars ?? {},
      params: toolParams(task, fileText),
      stream: task.stream,
      ...(task.repeats === undefined ? {} : { repeats: task.repeats }),
      checks: [...suiteChecks, ...own],
      rowChecks: [...suiteChecks, ...own].some((c) => c.arg !== null || c.args === true),
      baseDir: dataset ? dirname(dataset.path) : loaded.dir,
    };
  });
  if (issues.length) throw new ConfigError(`${loaded.file ?? loaded.path} has ${issues.length} template problem${issues.length === 1 ? '' : 's'}:`, issues);
  return { systemPrompts: prompts, entries };
}

/** `from:` → the file, its stem and its format (by extension; the schema allows only these). */
export function datasetRef(written: string, suiteDir: string): DatasetRef {
  const path = resolvePath(suiteDir, written);
  const ext = extname(path).toLowerCase();
  const format: DatasetFormat = ext === '.csv' ? 'csv' : ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : ext === '.json' ? 'json' : 'yaml';
  return { written, path, stem: basename(path, extname(path)), format };
}


/** The task's params, with its `tools` (inline or from their file) and `tool_choice` as request fields. */
function toolParams(task: Suite['tasks'][number], fileText: (written: string) => string): Params {
  const tools = task.tools === undefined ? undefined : Array.isArray(task.tools) ? task.tools : (JSON.parse(fileText(task.tools.file)) as unknown[]);
  return { ...task.params, ...(tools !== undefined ? { tools } : {}), ...(task.tool_choice !== undefined ? { tool_choice: task.tool_choice } : {}) };
}
