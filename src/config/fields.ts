// Field builders shared by the suite, params and config schemas, so every range check
// carries one message in p-limit's style: "Expected `concurrency` to be a number from 1 and up".
import * as z from 'zod';

type RawIssue = { code?: string; input?: unknown };

/**
 * A field's own message for a value that is there but wrong. A missing value falls through
 * to the generic "Missing required key" (issues.ts), which says more.
 */
export const present =
  (message: string) =>
  (issue: RawIssue): string | undefined =>
    issue.input === undefined ? undefined : message;

/** For containers: replaces only the wrong-type message, not the messages of their checks. */
export const typeError =
  (message: string) =>
  (issue: RawIssue): string | undefined =>
    issue.code === 'invalid_type' && issue.input !== undefined ? message : undefined;

export const numberIn = (name: string, min: number, max: number) => {
  const error = `Expected \`${name}\` to be a number from ${min} to ${max}`;
  return z.number({ error: present(error) }).min(min, { error }).max(max, { error });
};

export const intFrom = (name: string, min: number) => {
  const error = `Expected \`${name}\` to be a whole number from ${min} and up`;
  return z.int({ error: present(error) }).min(min, { error });
};

export const intIn = (name: string, min: number, max: number) => {
  const error = `Expected \`${name}\` to be a whole number from ${min} to ${max}`;
  return z.int({ error: present(error) }).min(min, { error }).max(max, { error });
};

export const positive = (name: string, unit = '') => {
  const error = `Expected \`${name}\` to be a number${unit} greater than 0`;
  return z.number({ error: present(error) }).gt(0, { error });
};

export const bool = (name: string) => z.boolean({ error: present(`Expected \`${name}\` to be true or false`) });

export const text = (name: string) =>
  z.string({ error: present(`Expected \`${name}\` to be a non-empty string`) }).min(1, { error: `Expected \`${name}\` to be a non-empty string` });

export const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: present(`Expected \`${name}\` to be one of ${values.map((v) => `\`${v}\``).join(', ')}`) });

export const strings = (name: string) => z.array(z.string({ error: present(`Expected \`${name}\` to be a list of strings`) }), { error: typeError(`Expected \`${name}\` to be a list of strings`) });

/** Ids name rows, folders and CLI filters, so no whitespace. */
export const id = (name = 'id') => {
  const error = `Expected \`${name}\` to be a non-empty string without spaces`;
  return z.string({ error: present(error) }).regex(/^\S+$/, { error });
};

export const httpUrl = (name: string) => {
  const error = `Expected \`${name}\` to be an http(s) URL like https://openrouter.ai/api/v1`;
  return z.url({ protocol: /^https?$/, error: present(error) });
};

/**
 * A key whose presence is the error: JSON Schema renders it as `not: {}`, zod as this message.
 * Used for keys people reach for that must not be there (`api_key`, `model` in params).
 */
export const forbidden = (message: string) => z.never({ error: message }).optional().meta({ description: message });

/** Plain-object test for hand-written refinements that run on partly invalid input. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
