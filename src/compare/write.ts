// Read both sides, compare, write compare.md: shared by `agent-lab compare` and `run --baseline`.
import { appendFile } from 'node:fs/promises';
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

/** In a GitHub Actions job, add the comparison to the job's summary page (appended: other steps add theirs). */
export async function appendStepSummary(env: Record<string, string | undefined>, markdown: string): Promise<string | null> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return null;
  try {
    await appendFile(file, `${markdown}\n`);
    return null;
  } catch (error) {
    return `Could not append to GITHUB_STEP_SUMMARY (${file}): ${(error as Error).message}`;
  }
}
