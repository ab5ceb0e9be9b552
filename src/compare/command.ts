// `agent-lab compare BASELINE CURRENT`: the table on stdout, compare.md on disk, exit 3 when a
// --fail-on rule fails. The rules are parsed first, so a typo costs no file reads.
import { relative, resolve } from 'node:path';
import { compareVerdict } from './compare.js';
import { parseFailOn } from './fail-on.js';
import { compareAndWrite } from './write.js';
import { appendStepSummary } from '../store/step-summary.js';
import type { Env } from '../env.js';
import { EXIT, type ExitCode } from '../errors.js';
import { renderCompareTable } from './table.js';

export interface CompareCommandOptions {
  baseline: string;
  current: string;
  failOn?: string;
  /** compare.md path (default: inside CURRENT, or next to it for a summary.json). */
  out?: string;
  /** Print the comparison as JSON instead of the table. */
  json?: boolean;
}

export async function runCompareCommand(opts: CompareCommandOptions, env: Env): Promise<ExitCode> {
  const rules = opts.failOn === undefined ? [] : parseFailOn(opts.failOn);
  const { comparison, file, markdown } = await compareAndWrite({
    baseline: resolve(env.cwd, opts.baseline),
    current: resolve(env.cwd, opts.current),
    rules,
    outFile: opts.out === undefined ? undefined : resolve(env.cwd, opts.out),
    cwd: env.cwd,
  });
  if (opts.json) env.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  else env.stdout.write(`${renderCompareTable(comparison)}compare: ${relative(env.cwd, file) || file}\n`);
  const problem = await appendStepSummary(env.env, markdown);
  if (problem) env.stderr.write(`agent-lab: ${problem}\n`);
  const verdict = compareVerdict(comparison);
  return verdict === 'fail' ? EXIT.gate : verdict === 'unknown' ? EXIT.jobs_failed : EXIT.ok;
}
