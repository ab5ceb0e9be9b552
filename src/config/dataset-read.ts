// Reads a dataset file row by row, never whole: CSV through csv-parse's stream, JSONL line by
// line, a .json array through a streaming JSON parser (@streamparser/json). Only a YAML list is
// parsed at once (YAML has no streaming parser; it is the hand-written format, capped in size).
// A bad row is an item with where it is (line, or JSON path for .json) and reading goes on, so
// one run reports every bad row, not the first.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Vars } from '../types/job.js';
import type { DatasetRef } from './entry.js';
import { isRecord } from './fields.js';

/** A YAML dataset bigger than this must be CSV or JSONL, which are read as streams. */
export const MAX_YAML_DATASET_BYTES = 16 * 1024 * 1024;

export type DatasetItem =
  /** `row`: 1-based among the data rows; `at`: `:57` (a line) or `[56]` (a .json array index), put after the file's name. */
  | { ok: true; fields: Vars; row: number; at: string }
  | { ok: false; at: string | null; message: string };

export function readDataset(ref: DatasetRef): AsyncGenerator<DatasetItem> {
  switch (ref.format) {
    case 'csv':
      return readCsv(ref.path);
    case 'jsonl':
      return readJsonl(ref.path);
    case 'json':
      return readJsonArray(ref.path);
    case 'yaml':
      return readYamlList(ref.path);
  }
}

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

// The parsers are imported when a dataset of their format is read: a suite without one never loads them.
async function* readCsv(path: string): AsyncGenerator<DatasetItem> {
  const { parse: parseCsv } = await import('csv-parse');
  // Empty lines are kept (and skipped below): then every line belongs to a record, and a record
  // starts on the line after the one where the previous record ended (info.lines), even when a
  // quoted field spans lines.
  // Small reads: a 64 KB chunk parses into ~1,000 buffered records at once, which outlive the
  // young generation and grow the heap for nothing.
  const parser = createReadStream(path, { highWaterMark: 16 * 1024 }).pipe(parseCsv({ bom: true, relax_column_count: true, info: true }));
  let header: string[] | null = null;
  let row = 0;
  let ended = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const at = `:${ended + 1}`;
      ended = info.lines;
      if (record.length === 1 && record[0] === '') continue;
      if (header === null) {
        header = record;
        const problem = headerProblem(record);
        if (problem) return yield { ok: false, at, message: problem };
        continue;
      }
      row++;
      if (record.length !== header.length) {
        yield { ok: false, at, message: `has ${record.length} field${record.length === 1 ? '' : 's'}, the header has ${header.length} (a comma inside a field needs "double quotes")` };
        continue;
      }
      // fromEntries, not assignment: a `__proto__` column must stay a plain field.
      yield { ok: true, fields: Object.fromEntries(header.map((name, i) => [name, record[i]])), row, at };
    }
  } catch (error) {
    yield { ok: false, at: null, message: `is not valid CSV: ${(error as Error).message}` };
  }
}

function headerProblem(names: string[]): string | null {
  const empty = names.findIndex((n) => n.trim() === '');
  if (empty >= 0) return `the header row has an empty column name (column ${empty + 1}): every column needs a name, the variable it becomes`;
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return `the header row names the column \`${name}\` twice`;
    seen.add(name);
  }
  return null;
}

async function* readJsonl(path: string): AsyncGenerator<DatasetItem> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  let row = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    row++;
    const at = `:${line}`;
    let value: unknown;
    try {
      value = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, '') : text);
    } catch (error) {
      yield { ok: false, at, message: `is not JSON: ${(error as Error).message}` };
      continue;
    }
    if (!isRecord(value)) yield { ok: false, at, message: `is ${kind(value)}, not a JSON object: each line is one row, like {"question": "…"}` };
    else yield { ok: true, fields: value, row, at };
  }
}

async function* readJsonArray(path: string): AsyncGenerator<DatasetItem> {
  const { JSONParser } = await import('@streamparser/json');
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  const ready: DatasetItem[] = [];
  let failed: string | null = null;
  let top: 'array' | 'other' | null = null;
  parser.onValue = ({ value, key }) => {
    if (typeof key !== 'number') {
      top = 'other';
      return;
    }
    top = 'array';
    const at = `[${key}]`;
    ready.push(isRecord(value) ? { ok: true, fields: value as Vars, row: key + 1, at } : { ok: false, at, message: `is ${kind(value)}, not an object` });
  };
  parser.onError = (error) => (failed ??= error.message);
  const notArray = (what: string): DatasetItem => ({ ok: false, at: null, message: `is ${what}, not an array of objects like [{"question": "…"}]` });
  let first = true;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    let text = chunk as string;
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      const lead = text.trimStart()[0];
      if (lead !== undefined && lead !== '[') return yield notArray(lead === '{' ? 'an object' : 'not an array');
      first = lead === undefined;
    }
    if (!parser.isEnded && failed === null) parser.write(text);
    yield* ready.splice(0);
    if (failed !== null) return yield { ok: false, at: null, message: `is not valid JSON: ${failed}` };
    if (top === 'other') return yield notArray('an object');
  }
  if (first) return yield notArray('empty');
  if (!parser.isEnded) yield { ok: false, at: null, message: 'is not valid JSON: it ends before the array is closed' };
}

async function* readYamlList(path: string): AsyncGenerator<DatasetItem> {
  const { isMap, isSeq, LineCounter, parseDocument } = await import('yaml');
  const info = await stat(path);
  if (info.size > MAX_YAML_DATASET_BYTES) {
    return yield { ok: false, at: null, message: `is ${(info.size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_YAML_DATASET_BYTES / 1024 / 1024} MiB limit for YAML datasets: use .csv or .jsonl, which are read as streams` };
  }
  const lines = new LineCounter();
  const doc = parseDocument((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const error = doc.errors[0]!;
    return yield { ok: false, at: `:${lines.linePos(error.pos[0]).line}`, message: `is not valid YAML: ${error.message.split('\n')[0]}` };
  }
  const list = doc.contents;
  if (list === null) return;
  if (!isSeq(list)) return yield { ok: false, at: null, message: `is ${isMap(list) ? 'a mapping' : 'a single value'}, not a list of mappings like - { question: … }` };
  const values = doc.toJS({ maxAliasCount: 100 }) as unknown[];
  for (const [index, item] of list.items.entries()) {
    const at = `:${lines.linePos((item as { range?: readonly number[] | null }).range?.[0] ?? 0).line}`;
    const value = values[index];
    if (!isRecord(value)) yield { ok: false, at, message: `is ${kind(value)}, not a mapping` };
    else yield { ok: true, fields: value, row: index + 1, at };
  }
}
