// zod issues → Issues at file:line:col, with "did you mean" hints. Schema fields carry their
// own messages (fields.ts); `errorMessage` words the rest the same way.
import { closest, distance } from 'fastest-levenshtein';
import type * as z from 'zod';
import type { Issue } from '../errors.js';
import { locate, type FieldPath, type Source } from './source.js';

type ZodIssue = z.core.$ZodIssue;
interface RawIssue {
  code?: string;
  path?: PropertyKey[];
  input?: unknown;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  values?: unknown[];
}

const name = (path: PropertyKey[] | undefined): string => {
  const last = path?.at(-1);
  return last === undefined ? 'the value' : typeof last === 'number' ? `item ${last}` : `\`${String(last)}\``;
};

const kind = (value: unknown): string =>
  value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value === 'boolean' ? 'true/false' : `a ${typeof value}`;

const EXPECTED: Record<string, string> = { object: 'a mapping', array: 'a list', boolean: 'true or false', int: 'a whole number', never: 'absent' };

/** Per-parse error map: messages for issues whose schema did not word its own. */
export function errorMessage(issue: RawIssue): string | undefined {
  const field = name(issue.path);
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `Missing required key ${field}`;
      return `Expected ${field} to be ${EXPECTED[issue.expected ?? ''] ?? `a ${issue.expected}`}, got ${kind(issue.input)}`;
    case 'invalid_value':
      return `Expected ${field} to be one of ${(issue.values ?? []).map((v) => `\`${String(v)}\``).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array') return `Expected ${field} to have ${bound} ${limit} item${limit === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `Expected ${field} to be ${bound} ${limit} character${limit === 1 ? '' : 's'} long`;
      return `Expected ${field} to be ${bound} ${limit}`;
    }
    case 'invalid_union':
      return `Expected ${field} to have one of the shapes schema/suite.schema.json describes`;
    default:
      return undefined;
  }
}

/** Turn zod's issues into Issues located in the YAML source. */
export function zodIssues(issues: readonly ZodIssue[], source: Source, schema: z.core.$ZodType): Issue[] {
  const out: Issue[] = [];
  for (const issue of flatten(issues, [])) {
    const path = issue.path;
    const dotted = (p: FieldPath) => p.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, path);
      for (const key of issue.keys) {
        out.push({ ...locate(source, [...path, key], 'key'), path: dotted([...path, key]), message: `Unknown key \`${key}\``, ...hint(suggest(key, allowed)) });
      }
    } else if (issue.code === 'invalid_key') {
      out.push({ ...locate(source, path, 'key'), path: dotted(path), message: issue.issues[0]?.message ?? issue.message });
    } else if (issue.code === 'custom') {
      const params = (issue.params ?? {}) as { hint?: string; at?: 'key' | 'value' };
      out.push({ ...locate(source, path, params.at ?? 'value'), path: dotted(path), message: issue.message, ...hint(params.hint) });
    } else if (issue.code === 'invalid_value') {
      const values = issue.values.map(String);
      const input = (issue as { input?: unknown }).input;
      const guess = typeof input === 'string' ? suggest(input, values, false) : undefined;
      out.push({ ...locate(source, path), path: dotted(path), message: issue.message, ...hint(guess) });
    } else {
      out.push({ ...locate(source, path), path: dotted(path), message: issue.message });
    }
  }
  return out;
}

const hint = (text: string | undefined): { hint?: string } => (text ? { hint: text } : {});

/**
 * A union reports every branch's failure. When exactly one branch got the right shape
 * (its failures are deeper than the root), that branch's issues are the useful ones.
 */
function flatten(issues: readonly ZodIssue[], prefix: PropertyKey[]): (ZodIssue & { path: PropertyKey[] })[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const shaped = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (shaped.length === 1) return flatten(shaped[0]!, path);
    }
    return [{ ...issue, path }];
  });
}

/** `did you mean` for a close match (case, `-` vs `_`, or a small typo); else the allowed list. */
export function suggest(word: string, allowed: string[], listAll = true): string | undefined {
  if (allowed.length === 0) return undefined;
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const match = allowed.find((a) => squash(a) === squash(word)) ?? closest(word, allowed);
  if (squash(match) === squash(word) || distance(word, match) <= Math.max(2, Math.floor(word.length / 3))) return `did you mean \`${match}\`?`;
  return listAll && allowed.length <= 24 ? `allowed: ${allowed.join(', ')}` : undefined;
}

interface Def {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  element?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  options?: z.core.$ZodType[];
  shape?: Record<string, z.core.$ZodType>;
}
const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as Def;

/** Keys an object schema allows at a path (through optional, union, array…), minus forbidden ones. */
export function allowedKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const unwrap = (s: z.core.$ZodType): Def => {
    const def = defOf(s);
    return def.innerType ? unwrap(def.innerType) : def.type === 'pipe' && def.in ? unwrap(def.in) : def;
  };
  const walk = (s: z.core.$ZodType, rest: readonly PropertyKey[]) => {
    const def = unwrap(s);
    if (def.type === 'union') for (const option of def.options ?? []) walk(option, rest);
    else if (rest.length === 0) {
      for (const [key, field] of Object.entries(def.type === 'object' ? (def.shape ?? {}) : {})) if (unwrap(field).type !== 'never') keys.add(key);
    } else if (def.type === 'array' && def.element) walk(def.element, rest.slice(1));
    else if (def.type === 'record' && def.valueType) walk(def.valueType, rest.slice(1));
    else if (def.type === 'object' && def.shape?.[String(rest[0])]) walk(def.shape[String(rest[0])]!, rest.slice(1));
  };
  walk(schema, path);
  return [...keys];
}
