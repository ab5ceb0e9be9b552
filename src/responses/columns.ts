// Pure: which column `show --diff A B` means: a number from 1, a full name, or a label, slug or prompt id naming one column.
import { ConfigError } from '../errors.js';
import type { ResponseColumn } from '../types/responses.js';
import { columnTitle } from './figures.js';

export function resolveColumn(spec: string, columns: readonly ResponseColumn[]): number {
  const list = () => columns.map((_, c) => `  ${columnTitle(columns, c)}`).join('\n');
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    if (n >= 1 && n <= columns.length) return n - 1;
    throw new ConfigError(`Column ${spec} does not exist: the run has ${columns.length} column(s):\n${list()}`);
  }
  const exact = columns.findIndex((c) => c.name === spec);
  if (exact >= 0) return exact;
  const named = columns.flatMap((c, i) => ([c.model_label, c.model, c.system_prompt_id].includes(spec) ? [i] : []));
  if (named.length === 1) return named[0]!;
  const why = named.length ? `names ${named.length} columns` : 'names no column';
  throw new ConfigError(`"${spec}" ${why}: give its number or its full name:\n${list()}`);
}
