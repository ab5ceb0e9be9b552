// `agent-lab report DIR`: rebuild DIR/report.html from summary.json and results.jsonl — after
// an upgrade, or for a run folder copied from CI.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Env } from '../env.js';
import { ConfigError, EXIT, type ExitCode } from '../errors.js';
import { writeRunHtml } from './report-html.js';
import { SUMMARY_FILE } from './write.js';
import type { RunSummary } from '../types/summary.js';

export async function runReportCommand(opts: { dir: string }, env: Env): Promise<ExitCode> {
  const dir = resolve(env.cwd, opts.dir);
  const file = join(dir, SUMMARY_FILE);
  if (!existsSync(file)) throw new ConfigError(`${opts.dir} has no ${SUMMARY_FILE}: expected a finished run folder (resume an interrupted run to finish it).`);
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(file, 'utf8')) as RunSummary;
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const out = await writeRunHtml(dir, summary);
  env.stdout.write(`report: ${relative(env.cwd, out) || out}\n`);
  return EXIT.ok;
}
