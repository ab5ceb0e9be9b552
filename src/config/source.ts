// A parsed YAML file that remembers where every value came from, so a problem found later
// (by zod, or a missing prompt file) can be reported at file:line:col. Pure: text in, data out.
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Issue } from '../errors.js';

export type FieldPath = readonly PropertyKey[];

export interface Source {
  /** The file as the user named it; what every issue prints. */
  file: string;
  doc: Document;
  lines: LineCounter;
}

export interface Parsed {
  source: Source;
  /** The document as plain data; undefined for an empty document or after a syntax error. */
  data: unknown;
  issues: Issue[];
  /** A syntax error: the data is not worth validating. */
  fatal: boolean;
}

export function parseYaml(text: string, file: string): Parsed {
  const lines = new LineCounter();
  // uniqueKeys off: a duplicate key becomes our own issue (with both lines) instead of a
  // syntax error that would hide every other problem in the file.
  // merge: `<<: *shared` is how people share params between tasks; without it `<<` would be
  // an unknown key (or, in params, sent to the API).
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, merge: true });
  const source: Source = { file, doc, lines };
  const issues: Issue[] = doc.errors.map((error) => ({
    ...at(source, error.pos[0]),
    path: '',
    message: `YAML syntax error: ${error.message}`,
    hint: 'fix the syntax first; the rest of the file is checked after',
  }));
  if (issues.length) return { source, data: undefined, issues, fatal: true };
  issues.push(...duplicateKeys(source));
  try {
    return { source, data: doc.contents === null ? undefined : doc.toJS({ maxAliasCount: 100 }), issues, fatal: false };
  } catch (error) {
    // Alias bombs and alias cycles land here.
    issues.push({ ...at(source, 0), path: '', message: `YAML could not be read: ${(error as Error).message}` });
    return { source, data: undefined, issues, fatal: true };
  }
}

function at(source: Source, offset: number): Pick<Issue, 'file' | 'line' | 'column'> {
  const { line, col } = source.lines.linePos(offset);
  return { file: source.file, line, column: col };
}

const keyText = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

/**
 * Where to point for a field path. `key` points at the key of the last segment (an unknown
 * key); a path that does not exist points at the deepest mapping that does (a missing key).
 */
export function locate(source: Source, path: FieldPath, point: 'value' | 'key' = 'value'): Pick<Issue, 'file' | 'line' | 'column'> {
  let node: unknown = source.doc.contents;
  let key: Node | null = null;
  let found = true;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(source.doc);
    const pair = isMap(node) ? node.items.find((p) => keyText(p.key) === String(segment)) : undefined;
    const item = isSeq(node) && typeof segment === 'number' ? node.items[segment] : undefined;
    if (pair) {
      key = pair.key as Node;
      node = pair.value;
    } else if (item !== undefined) {
      key = null;
      node = item;
    } else {
      found = false;
      break;
    }
  }
  const start = (n: unknown): number | null => ((n as Node | null)?.range ? (n as Node).range![0] : null);
  // When not found, `node` is the deepest mapping that exists: the parent of the missing key.
  // A block mapping or list is pointed at by its key, where the reader sees it start.
  const empty = node === null || (isScalar(node) && node.range && node.range[0] === node.range[1]);
  const blockCollection = isCollection(node) && !node.flow;
  const useKey = key !== null && ((found && point === 'key') || empty || blockCollection);
  return at(source, (useKey ? start(key) : start(node)) ?? start(key) ?? 0);
}

function duplicateKeys(source: Source): Issue[] {
  const issues: Issue[] = [];
  const walk = (node: unknown, path: PropertyKey[]) => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const name = keyText(pair.key);
        const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
        const first = seen.get(name);
        if (first === undefined) seen.set(name, offset);
        else {
          const what = path.join('.') === 'system_prompts' ? 'system prompt id' : 'key';
          issues.push({
            ...at(source, offset),
            path: [...path, name].join('.'),
            message: `Duplicate ${what} \`${name}\` (first on line ${source.lines.linePos(first).line}): YAML would keep only one, so rename or remove one`,
          });
        }
        walk(pair.value, [...path, name]);
      }
    } else if (isSeq(node)) node.items.forEach((item, index) => walk(item, [...path, index]));
  };
  walk(source.doc.contents, []);
  return issues;
}
