// `agent-lab history`: the history file filtered, as a trend table, JSON or a trend page.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Env } from '../env.js';
import { ConfigError, EXIT, type ExitCode } from '../errors.js';
import { metricsTargets, type MetricsOptions } from '../metrics/targets.js';
import { filterHistory, HISTORY_FILE, readHistory, type HistoryFilter } from './history.js';
import { renderHistoryTable } from './table.js';

export interface HistoryCommandOptions extends MetricsOptions {
  /** Default <output_dir>/history.jsonl from the config. */
  history?: string;
  configPath?: string;
  suite?: string;
  model?: string;
  since?: string;
  json?: boolean;
  html?: string;
  /** Each suite's newest run: to the metrics targets, or to stdout as Prometheus text. */
  export?: boolean;
}

export async function runHistoryCommand(opts: HistoryCommandOptions, env: Env): Promise<ExitCode> {
  const filter: HistoryFilter = { suite: opts.suite, model: opts.model };
  if (opts.since !== undefined) {
    const since = new Date(opts.since);
    if (Number.isNaN(since.getTime())) throw new ConfigError(`Expected \`--since\` to be a date like 2026-11-01 or 2026-11-01T06:00Z, got ${JSON.stringify(opts.since)}`);
    filter.since = since;
  }
  const targets = metricsTargets(opts, env.cwd, env.env);
  if (targets && !opts.export) throw new ConfigError('The metrics flags go with `--export` on `history` (on `run` they send the run itself).');
  const file = resolve(env.cwd, opts.history ?? (await defaultHistoryFile(opts.configPath, env.cwd)));
  // No file yet is not an error (a first cron run has not finished), but say where we looked.
  if (!existsSync(file)) env.stderr.write(`No history file at ${relative(env.cwd, file) || file} yet: every \`agent-lab run\` appends to it.\n`);
  const all = await readHistory(file);
  const entries = filterHistory(all, filter);
  if (opts.export) {
    const { exportHistory } = await import('../metrics/export.js');
    return exportHistory(targets, entries, all, env);
  }
  if (opts.html !== undefined) {
    const { writeHistoryHtml } = await import('../store/report-html.js');
    const out = resolve(env.cwd, opts.html);
    await writeHistoryHtml(out, entries, { source: relative(env.cwd, file) || file });
    env.stderr.write(`history page: ${relative(env.cwd, out) || out} (${entries.length} run(s))\n`);
  }
  if (opts.json) env.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
  else if (opts.html === undefined) env.stdout.write(renderHistoryTable(entries));
  return EXIT.ok;
}

export async function defaultHistoryFile(configPath: string | undefined, cwd: string): Promise<string> {
  const { config } = await loadConfig(configPath, cwd);
  return resolve(cwd, config.output_dir ?? 'results', HISTORY_FILE);
}
