// `agent-lab report DIR [--baseline B]`: rebuild report.html and responses.md from a finished run folder.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Env } from '../env.js';
import { ConfigError, EXIT, type ExitCode } from '../errors.js';
import { writeRunReports } from './report-html.js';
import { SUMMARY_FILE } from './write.js';
import type { RunSummary } from '../types/summary.js';

export async function runReportCommand(opts: { dir: string; baseline?: string }, env: Env): Promise<ExitCode> {
  const dir = resolve(env.cwd, opts.dir);
  const file = join(dir, SUMMARY_FILE);
  if (!existsSync(file)) throw new ConfigError(`${opts.dir} has no ${SUMMARY_FILE}: expected a finished run folder (resume an interrupted run to finish it).`);
  const baseline = opts.baseline === undefined ? null : resolve(env.cwd, opts.baseline);
  if (baseline !== null && !existsSync(baseline)) throw new ConfigError(`The baseline ${opts.baseline} does not exist: expected a run folder or a summary.json file.`);
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(file, 'utf8')) as RunSummary;
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const out = await writeRunReports(dir, summary, { baseline });
  const shown = (f: string) => relative(env.cwd, f) || f;
  env.stdout.write(`report: ${shown(out.html)}\nresponses: ${shown(out.markdown)}\n`);
  return EXIT.ok;
}
