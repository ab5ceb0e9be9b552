// Where the metrics go (--metrics-file, --pushgateway/--push-job, --otlp), checked before anything
// is sent: a bad URL is exit 2 like any usage error. Credentials never ride in a flag, since
// run.json records the flags; they come from the environment as extra request headers.
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export interface MetricsOptions {
  /** Write the Prometheus text exposition here (node_exporter's textfile collector reads *.prom). */
  metricsFile?: string;
  /** Push the same metrics to this Prometheus Pushgateway (its base URL). */
  pushgateway?: string;
  /** The Pushgateway `job` label (default agent-lab). */
  pushJob?: string;
  /** Send the same metrics as OTLP/HTTP JSON to this collector. */
  otlp?: string;
}

export interface MetricsTargets {
  file: string | null;
  pushgateway: { url: string; job: string; headers: Record<string, string> } | null;
  /** The full endpoint, /v1/metrics added to a bare collector URL. */
  otlp: { url: string; headers: Record<string, string> } | null;
}

export const DEFAULT_PUSH_JOB = 'agent-lab';
/** Extra headers for the Pushgateway, `Name=value,Name2=value2` as OTEL_EXPORTER_OTLP_HEADERS has them. */
export const PUSHGATEWAY_HEADERS_VAR = 'AGENT_LAB_PUSHGATEWAY_HEADERS';
const OTLP_HEADERS_VARS = ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'];

/** null when no metrics flag is given. */
export function metricsTargets(options: MetricsOptions, cwd: string, vars: Record<string, string | undefined>): MetricsTargets | null {
  if (options.pushJob !== undefined && options.pushgateway === undefined) throw new ConfigError('`--push-job` names the job on a Pushgateway: add `--pushgateway URL`.');
  if (options.metricsFile === undefined && options.pushgateway === undefined && options.otlp === undefined) return null;
  const file = options.metricsFile === undefined ? null : resolve(cwd, options.metricsFile);
  if (file !== null && statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError(`--metrics-file ${options.metricsFile} is a folder: name a file, like metrics/agent-lab.prom.`);
  const job = options.pushJob ?? DEFAULT_PUSH_JOB;
  if (job.trim() === '') throw new ConfigError('Expected `--push-job` to be a name, like nightly.');
  const pushgateway = options.pushgateway === undefined ? null : { url: httpUrl('--pushgateway', options.pushgateway, PUSHGATEWAY_HEADERS_VAR).href.replace(/\/+$/, ''), job, headers: headersFrom(vars, [PUSHGATEWAY_HEADERS_VAR]) };
  let otlp: MetricsTargets['otlp'] = null;
  if (options.otlp !== undefined) {
    const url = httpUrl('--otlp', options.otlp, OTLP_HEADERS_VARS[1]!);
    // As OTEL_EXPORTER_OTLP_ENDPOINT: a bare collector gets the signal's path; a path is kept as given.
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/metrics';
    otlp = { url: url.href, headers: headersFrom(vars, OTLP_HEADERS_VARS) };
  }
  return { file, pushgateway, otlp };
}

function httpUrl(flag: string, text: string, headersVar: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`Expected \`${flag}\` to be a URL like http://127.0.0.1:9091, got "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`Expected \`${flag}\` to be an http:// or https:// URL, got "${url.protocol}".`);
  if (url.username || url.password) throw new ConfigError(`\`${flag}\` holds credentials, and run.json records the flags: put them in ${headersVar} (e.g. Authorization=Basic%20…) instead.`);
  return url;
}

/** The first of `names` that is set, as headers; a malformed pair is exit 2 (its value is never printed). */
export function headersFrom(vars: Record<string, string | undefined>, names: readonly string[]): Record<string, string> {
  const name = names.find((n) => vars[n]?.trim());
  if (name === undefined) return {};
  const headers: Record<string, string> = {};
  for (const pair of vars[name]!.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq < 1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) throw new ConfigError(`Expected ${name} as Name=value pairs separated by commas (values percent-encoded).`);
    try {
      headers[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new ConfigError(`${name}: the value of ${key} is not valid percent-encoding.`);
    }
  }
  return headers;
}
