// Reads the suite, the files it names (through files.ts, the one file reader) and the config
// file, and turns every problem in them into one ConfigError that lists them all.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type * as z from 'zod';
import { ConfigError, formatIssue, type Issue } from '../errors.js';
import { compileJsonSchema } from '../checks/json-schema.js';
import { isFileRef } from '../checks/schema.js';
import { isRecord } from './fields.js';
import { checkSuiteFile, problemOf, readRegular, readSuiteFile, type FileRules } from './files.js';
import { errorMessage, zodIssues } from './issues.js';
import { ConfigSchema, SuiteSchema, type AgentLabConfig, type Suite } from './schema.js';
import { locate, parseYaml, type FieldPath, type Parsed } from './source.js';

export { MAX_FILE_BYTES } from './files.js';
export const CONFIG_FILES = ['agent-lab.config.yaml', 'agent-lab.config.yml'] as const;

export interface LoadedSuite {
  /** Absolute path of the suite file. */
  path: string;
  /** Its folder: paths inside the suite resolve from here. */
  dir: string;
  /** Hex sha256 of the suite's bytes and every file it references, so editing a prompt changes it. */
  sha256: string;
  suite: Suite;
  /** Contents of every `prompt_file` and system prompt `file`, keyed by the path as written. */
  files: Record<string, string>;
  /** The suite file as the user named it (what issues print). */
  file?: string;
  /** Where the files a suite names may be (config/files.ts): datasets and images are checked against it when read. */
  fileRules?: FileRules;
  /** Where a field path is in the suite file, for issues found after loading (templates, dataset rows). */
  locate?: (path: FieldPath) => Pick<Issue, 'file' | 'line' | 'column'>;
}

export interface LoadOptions {
  /** --allow-outside-files: the suite may name files outside its folder (as `allow_outside_files: true` in it does). */
  allowOutsideFiles?: boolean;
}

export async function loadSuite(file: string, options: LoadOptions = {}): Promise<LoadedSuite> {
  const path = resolve(file);
  const dir = dirname(path);
  const read = await readText(path);
  if (!read.ok) throw failure(file, [fileIssue(file, `${read.problem} (looked for ${path})`)]);
  const parsed = parseYaml(read.text, file);
  if (!parsed.fatal && parsed.data === undefined) {
    throw failure(file, [fileIssue(file, 'is empty: a suite needs at least `name`, `models` and `tasks` (see suites/example.yaml)')]);
  }
  const { issues, data } = validate(parsed, SuiteSchema);

  const files: Record<string, string> = {};
  const bytesOf = new Map<string, Buffer>();
  const hash = createHash('sha256').update(read.bytes);
  const raw = parsed.fatal ? undefined : parsed.data;
  const rules = { base: dir, allowOutside: options.allowOutsideFiles === true || (isRecord(raw) && raw.allow_outside_files === true) };
  for (const ref of references(raw)) {
    if (ref.written in files) continue;
    const target = resolve(dir, ref.written);
    const prompt = decoded(await readSuiteFile(ref.written, rules));
    const what = ref.json ? 'JSON Schema file' : ref.tools ? 'Tools file' : ref.script ? 'Check script' : ref.task ? 'Prompt file' : 'System prompt file';
    if (!prompt.ok) {
      issues.push(at(parsed, ref.path, `${what} \`${ref.written}\` ${prompt.problem} (looked for ${target}; paths are relative to the suite's folder)`));
      continue;
    }
    if (ref.task && prompt.text.trim() === '') issues.push(at(parsed, ref.path, `${what} \`${ref.written}\` is empty: write the prompt in it`));
    const schemaProblem = ref.json ? jsonSchemaFileProblem(prompt.text) : ref.tools ? toolsFileProblem(prompt.text) : null;
    if (schemaProblem) issues.push(at(parsed, ref.path, `${what} \`${ref.written}\` ${schemaProblem}`));
    files[ref.written] = prompt.text;
    bytesOf.set(ref.written, prompt.bytes);
  }
  for (const ref of commandFiles(raw)) {
    const found = await checkSuiteFile(ref.written, rules);
    if (!found.ok) issues.push(at(parsed, ref.path, `Check command file \`${ref.written}\` ${found.problem} (looked for ${found.path}; paths are relative to the suite's folder)`));
  }
  const datasets = await datasetFiles(parsed.fatal ? undefined : parsed.data, rules);
  for (const ref of datasets) if (ref.problem) issues.push(at(parsed, ref.path, ref.problem));
  if (issues.length) throw failure(file, issues);
  // Datasets are hashed as they are read, in the suite's order: editing one changes the suite's sha256.
  for (const ref of datasets) {
    hash.update(`\n${ref.written}\n${ref.size}\n`);
    for await (const chunk of createReadStream(ref.target)) hash.update(chunk as Buffer);
  }
  // Files in a fixed order, each framed by name and length: two different sets never hash alike.
  for (const [written, bytes] of [...bytesOf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`\n${written}\n${bytes.length}\n`).update(bytes);
  }
  return { path, dir, sha256: hash.digest('hex'), suite: data as Suite, files, file, fileRules: rules, locate: (field) => locate(parsed.source, field) };
}

/** Every dataset (`from:`) a suite names, with what is wrong with its file (a missing file, a folder). */
async function datasetFiles(data: unknown, rules: FileRules): Promise<{ written: string; target: string; path: FieldPath; size: number; problem: string | null }[]> {
  if (!isRecord(data) || !Array.isArray(data.tasks)) return [];
  const found = [];
  for (const [index, task] of data.tasks.entries()) {
    if (!isRecord(task) || typeof task.from !== 'string' || !task.from) continue;
    const file = await checkSuiteFile(task.from, rules);
    const problem = file.ok ? null : `Dataset file \`${task.from}\` ${file.problem} (looked for ${file.path}; paths are relative to the suite's folder)`;
    found.push({ written: task.from, target: file.path, path: ['tasks', index, 'from'], size: file.ok ? file.size : 0, problem });
  }
  return found;
}

export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<{ path: string | null; config: AgentLabConfig }> {
  let file = explicitPath;
  if (file === undefined) {
    const present = [];
    for (const name of CONFIG_FILES) if (await exists(join(cwd, name))) present.push(name);
    if (present.length > 1) throw new ConfigError(`Both ${present.join(' and ')} are in ${cwd}: keep one.`);
    file = present[0];
  }
  if (file === undefined) return { path: null, config: ConfigSchema.parse({}) };
  const path = resolve(cwd, file);
  const read = await readText(path);
  if (!read.ok) throw failure(file, [fileIssue(file, `${read.problem} (looked for ${path})`)]);
  const parsed = parseYaml(read.text, file);
  // A config file that is all comments is fine: every setting keeps its default.
  if (!parsed.fatal && parsed.data === undefined) parsed.data = {};
  const { issues, data } = validate(parsed, ConfigSchema);
  if (issues.length) throw failure(file, issues);
  return { path, config: data as AgentLabConfig };
}

function validate(parsed: Parsed, schema: z.ZodType): { issues: Issue[]; data: unknown } {
  const issues = [...parsed.issues];
  if (parsed.fatal) return { issues, data: undefined };
  const result = schema.safeParse(parsed.data, { error: errorMessage, reportInput: true });
  if (!result.success) issues.push(...zodIssues(result.error.issues, parsed.source, schema));
  return { issues, data: result.data };
}

/** Every file a suite names, found in the raw data so they are checked even when the suite has other problems. */
function references(data: unknown): { written: string; path: FieldPath; task: boolean; json?: true; tools?: true; script?: true }[] {
  if (!isRecord(data)) return [];
  const refs: { written: string; path: FieldPath; task: boolean; json?: true; tools?: true; script?: true }[] = [];
  // `- json_schema: { file: x.json }` in the suite's checks and in each task's.
  const schemaFiles = (checks: unknown, path: FieldPath) => {
    if (!Array.isArray(checks)) return;
    checks.forEach((check, index) => {
      const ref = isRecord(check) ? check.json_schema : undefined;
      if (isFileRef(ref) && ref.file) refs.push({ written: ref.file, path: [...path, index, 'json_schema', 'file'], task: false, json: true });
      const script = isRecord(check) ? check.script : undefined;
      if (typeof script === 'string' && script) refs.push({ written: script, path: [...path, index, 'script'], task: false, script: true });
    });
  };
  schemaFiles(data.checks, ['checks']);
  if (Array.isArray(data.tasks)) data.tasks.forEach((task, index) => isRecord(task) && schemaFiles(task.checks, ['tasks', index, 'checks']));
  if (Array.isArray(data.tasks)) {
    data.tasks.forEach((task, index) => {
      if (isRecord(task) && typeof task.prompt_file === 'string' && task.prompt_file) {
        refs.push({ written: task.prompt_file, path: ['tasks', index, 'prompt_file'], task: true });
      }
      if (isRecord(task) && isFileRef(task.tools) && task.tools.file) refs.push({ written: task.tools.file, path: ['tasks', index, 'tools', 'file'], task: false, tools: true });
    });
  }
  if (isRecord(data.system_prompts)) {
    for (const [id, prompt] of Object.entries(data.system_prompts)) {
      if (isRecord(prompt) && typeof prompt.file === 'string' && prompt.file) refs.push({ written: prompt.file, path: ['system_prompts', id, 'file'], task: false });
    }
  }
  return refs;
}

type Read = { ok: true; text: string; bytes: Buffer } | { ok: false; problem: string };

/** A UTF-8 text file named on the command line (a suite, a config): a regular file of at most MAX_FILE_BYTES. */
async function readText(path: string): Promise<Read> {
  try {
    return decoded({ ok: true, bytes: await readRegular(path) });
  } catch (error) {
    return { ok: false, problem: problemOf(error) };
  }
}

/** The bytes as UTF-8 text, or what is wrong with them. */
function decoded(read: { ok: true; bytes: Buffer } | { ok: false; problem: string }): Read {
  if (!read.ok) return read;
  const { bytes } = read;
  if (bytes.includes(0)) return { ok: false, problem: 'is a binary file (it contains NUL bytes): it must be UTF-8 text' };
  try {
    // fatal: invalid UTF-8 throws instead of becoming U+FFFD; a leading BOM is dropped.
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes };
  } catch {
    return { ok: false, problem: 'is not valid UTF-8 text: save it as UTF-8' };
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Why a json_schema file cannot be used, or null: it must be a JSON object that compiles. */
/** The script files a `command:` check names (its arguments that end like a script), to be checked like any file a suite names. */
function commandFiles(data: unknown): { written: string; path: FieldPath }[] {
  if (!isRecord(data)) return [];
  const found: { written: string; path: FieldPath }[] = [];
  const look = (checks: unknown, path: FieldPath) => {
    if (!Array.isArray(checks)) return;
    checks.forEach((check, index) => {
      const argv = isRecord(check) ? check.command : undefined;
      if (!Array.isArray(argv)) return;
      argv.slice(1).forEach((arg, i) => {
        if (typeof arg === 'string' && SCRIPT_FILE.test(arg)) found.push({ written: arg, path: [...path, index, 'command', i + 1] });
      });
    });
  };
  look(data.checks, ['checks']);
  if (Array.isArray(data.tasks)) data.tasks.forEach((task, index) => isRecord(task) && look(task.checks, ['tasks', index, 'checks']));
  return found;
}

const SCRIPT_FILE = /\.(py|js|mjs|cjs|ts|sh|rb|pl|php|lua)$/i;

function toolsFileProblem(text: string): string | null {
  try {
    const tools: unknown = JSON.parse(text);
    return Array.isArray(tools) && tools.every(isRecord) ? null : 'is not a list of tool definitions: expected a JSON array of objects';
  } catch (error) {
    return `is not JSON: ${(error as Error).message}`;
  }
}

function jsonSchemaFileProblem(text: string): string | null {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    return `is not JSON: ${(error as Error).message}`;
  }
  if (!isRecord(schema)) return 'is not a JSON Schema: expected a JSON object';
  const compiled = compileJsonSchema(schema);
  return compiled.ok ? null : `is not a valid JSON Schema: ${compiled.problem}`;
}

const fileIssue = (file: string, message: string): Issue => ({ file, line: null, column: null, path: '', message });

const at = (parsed: Parsed, path: FieldPath, message: string): Issue => ({ ...locate(parsed.source, path), path: path.map(String).join('.'), message });

/** One error listing every problem, in file order. A single whole-file problem reads as one line. */
function failure(file: string, issues: Issue[]): ConfigError {
  const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const error = new ConfigError(`${file} has ${sorted.length} problem${sorted.length === 1 ? '' : 's'}:`, sorted);
  if (sorted.length === 1 && sorted[0]!.line === null) error.message = formatIssue(sorted[0]!);
  return error;
}
