// Read both sides, compare, write compare.md: shared by `agent-lab compare` and `run --baseline`.
import { join, relative, resolve } from 'node:path';
import { renderCompareMarkdown } from './markdown.js';
import { writeAtomic } from '../store/write.js';
import { compareRuns, type Comparison } from './compare.js';
import type { FailRule } from './fail-on.js';
import { readSide } from './load.js';

export const COMPARE_FILE = 'compare.md';

export interface CompareFiles {
  baseline: string;
  current: string;
  rules: FailRule[];
  /** Where compare.md goes; default next to the current run (inside its folder). */
  outFile?: string;
  /** Paths in the report are shown relative to this folder. */
  cwd?: string;
}

export async function compareAndWrite(input: CompareFiles): Promise<{ comparison: Comparison; file: string; markdown: string }> {
  const [base, cur] = await Promise.all([readSide(input.baseline), readSide(input.current)]);
  const show = (path: string) => (input.cwd ? relative(input.cwd, path) || '.' : path);
  const comparison = compareRuns({ ...base, path: show(base.path) }, { ...cur, path: show(cur.path) }, input.rules);
  const file = input.outFile ? resolve(input.outFile) : join(cur.dir, COMPARE_FILE);
  const markdown = renderCompareMarkdown(comparison);
  await writeAtomic(file, markdown);
  return { comparison, file, markdown };
}
