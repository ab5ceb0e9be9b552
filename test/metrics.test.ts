// The metrics model and its two renderers, on hand-built history lines: what is known is exported
// in the units the names promise, what is unknown is left out (never 0), counters add up the
// suite's runs, and both outputs parse — the text with a Prometheus exposition parser, the OTLP
// JSON against the protobuf JSON mapping of the real .proto files.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import type { HistoryEntry, HistoryGroup } from '../src/history/history.js';
import { mergeFamilies, suiteMetrics, type SuiteMetrics } from '../src/metrics/families.js';
import { renderOtlp } from '../src/metrics/otlp.js';
import { renderPrometheus } from '../src/metrics/prometheus.js';
import { pushgatewayUrl } from '../src/metrics/send.js';
import { headersFrom, metricsTargets } from '../src/metrics/targets.js';
import { decodeOtlp, otlpJsonProblems } from './helpers/otlp-receiver.js';

const group = (over: Partial<HistoryGroup> = {}): HistoryGroup => ({
  model: 'openai/gpt-4o-mini',
  model_label: 'openai/gpt-4o-mini',
  system_prompt_id: 'terse',
  n: 10,
  ok: 7,
  errors: 2,
  pass_rate: 0.75,
  latency_p50_ms: 1234.5,
  latency_p95_ms: 2000,
  ttft_p50_ms: 248.102,
  native_tokens_prompt: 100,
  native_tokens_completion: 50,
  cost_usd: 0.1,
  cost_pending: 1,
  ttft_p90_ms: 300,
  ttft_p95_ms: 310,
  ttft_p99_ms: 320,
  latency_p90_ms: 1900,
  latency_p99_ms: 2100,
  output_tps_p50: 88.5,
  native_tokens_reasoning: null,
  providers: { OpenAI: 6, Azure: 1 },
  ...over,
});

const entry = (time: string, groups: HistoryGroup[], over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  run_id: `run-${time}`,
  time,
  started_at: time.replace('T06:10', 'T06:00'),
  suite: 'nightly',
  suite_sha256: 'abc',
  status: 'ok',
  dir: 'x',
  mock: false,
  groups,
  ...over,
});

/** family name → one line per sample: `label=value,… value`. */
function parsed(text: string): Map<string, string[]> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f.metrics.map((m) => `${Object.entries(m.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')} ${m.value}`)]));
}

describe('suiteMetrics → Prometheus text', () => {
  const latest = entry('2026-11-02T06:10:00.000Z', [group(), group({ model: 'mock/echo', model_label: 'mock/echo', system_prompt_id: 'none', pass_rate: null, cost_usd: null, latency_p90_ms: undefined, providers: {} })]);
  const text = renderPrometheus(suiteMetrics(latest, null).families);
  const families = parsed(text);
  const base = 'suite=nightly,model=openai/gpt-4o-mini,system_prompt=terse';
  const echo = 'suite=nightly,model=mock/echo,system_prompt=none';

  it('gives the quantiles in seconds, pass ratio, tokens/s, cost, tokens, jobs and the run time', () => {
    expect(families.get('agent_lab_latency_seconds')).toEqual(expect.arrayContaining([`${base},quantile=0.5 1.2345`, `${base},quantile=0.9 1.9`, `${base},quantile=0.95 2`, `${base},quantile=0.99 2.1`]));
    expect(families.get('agent_lab_ttft_seconds')).toContain(`${base},quantile=0.5 0.248102`);
    expect(families.get('agent_lab_pass_ratio')).toEqual([`${base} 0.75`]);
    expect(families.get('agent_lab_output_tokens_per_second')).toContain(`${base} 88.5`);
    expect(families.get('agent_lab_run_cost_usd')).toEqual([`${base},role=subject 0.1`]);
    expect(families.get('agent_lab_run_cost_pending_jobs')).toContain(`${base} 1`);
    expect(families.get('agent_lab_run_jobs')).toEqual(expect.arrayContaining([`${base},status=ok 7`, `${base},status=error 2`, `${base},status=skipped 1`]));
    expect(families.get('agent_lab_run_native_tokens')).toEqual(expect.arrayContaining([`${base},kind=prompt 100`, `${base},kind=completion 50`]));
    expect(families.get('agent_lab_run_provider_jobs')).toEqual([`${base},provider=Azure 1`, `${base},provider=OpenAI 6`]);
    expect(families.get('agent_lab_run_timestamp_seconds')).toEqual([`suite=nightly ${Date.parse('2026-11-02T06:10:00Z') / 1000}`]);
  });

  it('two arms of one model (a label of their own) are two series, each with its counter', () => {
    const arms = [group({ model_label: 'llama@groq', cost_usd: 0.1 }), group({ model_label: 'llama@deepinfra', cost_usd: 0.05 })];
    const runs = [entry('2026-11-01T06:10:00.000Z', arms), entry('2026-11-02T06:10:00.000Z', arms)];
    const got = parsed(renderPrometheus(suiteMetrics(runs[1]!, runs).families));
    const arm = (label: string) => `suite=nightly,model=openai/gpt-4o-mini,model_label=${label},system_prompt=terse`;
    expect(got.get('agent_lab_pass_ratio')).toEqual([`${arm('llama@groq')} 0.75`, `${arm('llama@deepinfra')} 0.75`]);
    expect(got.get('agent_lab_cost_usd_total')).toEqual(expect.arrayContaining([`${arm('llama@groq')},role=subject 0.2`, `${arm('llama@deepinfra')},role=subject 0.1`]));
  });

  it('leaves out what is unknown instead of writing 0: null figures, fields an older line lacks, no judge, no history', () => {
    expect(families.get('agent_lab_pass_ratio')!.some((l) => l.startsWith(echo))).toBe(false);
    expect(families.get('agent_lab_run_cost_usd')!.some((l) => l.startsWith(echo))).toBe(false);
    expect(families.get('agent_lab_latency_seconds')!.filter((l) => l.startsWith(echo)).map((l) => l.split(',').at(-1))).toEqual(['quantile=0.5 1.2345', 'quantile=0.95 2', 'quantile=0.99 2.1']);
    expect(families.get('agent_lab_run_native_tokens')!.some((l) => l.includes('kind=reasoning'))).toBe(false);
    expect(families.get('agent_lab_run_provider_jobs')!.some((l) => l.startsWith(echo))).toBe(false);
    expect(families.has('agent_lab_judge_score')).toBe(false);
    for (const counter of ['agent_lab_cost_usd_total', 'agent_lab_jobs_total', 'agent_lab_runs_total']) expect(families.has(counter), counter).toBe(false);
    // A line from before the new fields: only what it has.
    const old = renderPrometheus(suiteMetrics(entry('2026-10-01T06:10:00.000Z', [{ ...group(), ttft_p90_ms: undefined, ttft_p95_ms: undefined, ttft_p99_ms: undefined, latency_p90_ms: undefined, latency_p99_ms: undefined, output_tps_p50: undefined, providers: undefined }]), null).families);
    expect(parsed(old).get('agent_lab_ttft_seconds')).toEqual([`${base},quantile=0.5 0.248102`]);
    expect(parsed(old).has('agent_lab_output_tokens_per_second')).toBe(false);
  });

  it('names follow the conventions: agent_lab_ prefix, a unit suffix, _total only on counters', () => {
    for (const f of parsePrometheusTextFormat(text)) {
      expect(f.name).toMatch(/^agent_lab_[a-z_]+$/);
      expect(f.name.endsWith('_total')).toBe(f.type === 'COUNTER');
      expect(f.name).toMatch(/_(seconds|ratio|score|usd|jobs|tokens|per_second|total)$/);
      expect(f.help.length).toBeGreaterThan(10);
    }
    expect(text).not.toMatch(/_ms\b|milliseconds/);
  });

  it('emits the judge score and cost once a summary group carries them (the HOOK(judge) fields)', () => {
    const judged = parsed(renderPrometheus(suiteMetrics(entry('2026-11-02T06:10:00.000Z', [group({ judge_score: 4.5, judge_cost_usd: 0.02 })]), null).families));
    expect(judged.get('agent_lab_judge_score')).toEqual([`${base} 4.5`]);
    expect(judged.get('agent_lab_run_cost_usd')).toEqual([`${base},role=subject 0.1`, `${base},role=judge 0.02`]);
  });

  it('escapes label values the format needs escaped, and the parser reads them back', () => {
    const odd = 'say "hi"\\ then\nnewline';
    const out = parsePrometheusTextFormat(renderPrometheus(suiteMetrics(entry('2026-11-02T06:10:00.000Z', [group({ system_prompt_id: odd })], { suite: 'a/b' }), null).families));
    expect(out.find((f) => f.name === 'agent_lab_pass_ratio')!.metrics[0]!.labels).toEqual({ suite: 'a/b', model: 'openai/gpt-4o-mini', system_prompt: odd });
  });
});

describe('counters over the history file', () => {
  const runs = [
    entry('2026-11-01T06:10:00.000Z', [group({ cost_usd: 0.1 }), group({ model: 'gone/model', cost_usd: 5 })]),
    entry('2026-11-01T12:10:00.000Z', [group({ cost_usd: 0.2, native_tokens_reasoning: 7 })], { mock: true }),
    entry('2026-11-01T18:10:00.000Z', [group({ cost_usd: 0.2 })], { suite: 'other' }),
    entry('2026-11-02T06:10:00.000Z', [group({ cost_usd: null, native_tokens_reasoning: 5 })]),
    entry('2026-11-03T06:10:00.000Z', [group({ cost_usd: 0.2 })]),
  ];
  const c = 'suite=nightly,model=openai/gpt-4o-mini,system_prompt=terse';

  it('add up the runs of the same suite (real with real) up to the exported one; a cost sum stays decimal', () => {
    const families = parsed(renderPrometheus(suiteMetrics(runs[4]!, runs).families));
    expect(families.get('agent_lab_runs_total')).toEqual(['suite=nightly 3']);
    // 0.1 + (unknown) + 0.2: the known costs, in decimal (no 0.30000000000000004).
    expect(families.get('agent_lab_cost_usd_total')).toEqual([`${c},role=subject 0.3`]);
    expect(families.get('agent_lab_jobs_total')).toEqual([`${c},status=ok 21`, `${c},status=error 6`, `${c},status=skipped 3`]);
    expect(families.get('agent_lab_native_tokens_total')).toEqual([`${c},kind=prompt 300`, `${c},kind=completion 150`, `${c},kind=reasoning 5`]);
    // Exporting an older run counts only up to it.
    expect(parsed(renderPrometheus(suiteMetrics(runs[3]!, runs).families)).get('agent_lab_runs_total')).toEqual(['suite=nightly 2']);
  });

  it('merge several suites into one text with each family once', () => {
    const suites = [suiteMetrics(runs[4]!, runs), suiteMetrics(runs[2]!, runs)];
    const text = renderPrometheus(mergeFamilies(suites));
    expect(text.match(/^# TYPE agent_lab_runs_total counter$/gm)).toHaveLength(1);
    expect(parsed(text).get('agent_lab_runs_total')).toEqual(['suite=nightly 3', 'suite=other 1']);
  });
});

describe('OTLP JSON', () => {
  const runs = [entry('2026-11-01T06:10:00.000Z', [group()]), entry('2026-11-02T06:10:00.000Z', [group({ judge_score: 3 })])];
  const suites: SuiteMetrics[] = [suiteMetrics(runs[1]!, runs)];
  const body = JSON.parse(renderOtlp(suites, { version: '9.9.9' })) as { resourceMetrics: { scopeMetrics: { metrics: Record<string, any>[] }[] }[] };
  const metrics = body.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
  const byName = (name: string) => metrics.find((m) => m.name === name)!;

  it('holds to the protobuf JSON mapping of the real .proto files, and decodes as a collector would', () => {
    expect(otlpJsonProblems(body)).toEqual([]);
    const decoded = decodeOtlp(body) as typeof body;
    expect(decoded.resourceMetrics[0]!.scopeMetrics[0]!.metrics).toHaveLength(metrics.length);
  });

  it('gauges and cumulative monotonic sums, times in nanoseconds as strings, counts as asInt strings', () => {
    const latency = byName('agent_lab_latency_seconds');
    expect(latency.unit).toBe('s');
    expect(latency.gauge.dataPoints[0]).toMatchObject({ timeUnixNano: String(Date.parse('2026-11-02T06:10:00Z')) + '000000', asDouble: 1.2345 });
    const jobs = byName('agent_lab_jobs_total');
    expect(jobs.sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    expect(jobs.sum.dataPoints[0]).toMatchObject({ startTimeUnixNano: String(Date.parse('2026-11-01T06:00:00Z')) + '000000', asInt: '14' });
    expect(jobs.sum.dataPoints[0].attributes).toEqual(expect.arrayContaining([{ key: 'status', value: { stringValue: 'ok' } }]));
    expect(byName('agent_lab_judge_score').gauge.dataPoints[0].asDouble).toBe(3);
  });

  it('the checker itself refuses what the mapping forbids', () => {
    const broken = structuredClone(body) as any;
    const point = broken.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0];
    point.time_unix_nano = point.timeUnixNano;
    point.asInt = 5;
    broken.resourceMetrics[0].scopeMetrics[0].metrics.find((m: any) => m.sum).sum.aggregationTemporality = 'AGGREGATION_TEMPORALITY_CUMULATIVE';
    const problems = otlpJsonProblems(broken).join('\n');
    expect(problems).toMatch(/time_unix_nano: no field/);
    expect(problems).toMatch(/asInt: a 64-bit integer is a decimal string/);
    expect(problems).toMatch(/oneof value has 2 members set/);
    expect(problems).toMatch(/aggregationTemporality: an enum is an integer/);
  });
});

describe('metrics targets', () => {
  const targets = (options: Parameters<typeof metricsTargets>[0], vars: Record<string, string> = {}) => metricsTargets(options, '/work', vars);

  it('adds /v1/metrics to a bare collector URL and keeps a path given; trims the gateway URL', () => {
    expect(targets({ otlp: 'http://collector:4318' })!.otlp!.url).toBe('http://collector:4318/v1/metrics');
    expect(targets({ otlp: 'https://otlp.example/otlp/v1/metrics' })!.otlp!.url).toBe('https://otlp.example/otlp/v1/metrics');
    expect(targets({ pushgateway: 'http://gw:9091/' })!.pushgateway).toEqual({ url: 'http://gw:9091', job: 'agent-lab', headers: {} });
    expect(targets({ metricsFile: 'm/a.prom' })).toEqual({ file: '/work/m/a.prom', pushgateway: null, otlp: null });
    expect(targets({})).toBeNull();
  });

  it('refuses bad input before anything is sent: no URL, another scheme, credentials in the flag, --push-job alone', () => {
    expect(() => targets({ otlp: 'collector:4318' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => targets({ pushgateway: 'not a url' })).toThrow(ConfigError);
    expect(() => targets({ pushgateway: 'http://user:secret@gw:9091' })).toThrow(/AGENT_LAB_PUSHGATEWAY_HEADERS/);
    expect(() => targets({ otlp: 'http://user:secret@gw:9091' })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(() => targets({ pushJob: 'nightly' })).toThrow(/--pushgateway/);
    expect(() => targets({ metricsFile: '/tmp' })).toThrow(/is a folder/);
  });

  it('takes headers from the environment, the metrics-specific OTel variable first', () => {
    expect(headersFrom({ OTEL_EXPORTER_OTLP_HEADERS: 'a=1', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'Authorization=Basic%20eHk6eno=,X-Scope-OrgID=team' }, ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'])).toEqual({ Authorization: 'Basic eHk6eno=', 'X-Scope-OrgID': 'team' });
    expect(targets({ otlp: 'http://c:4318' }, { OTEL_EXPORTER_OTLP_HEADERS: 'a=1' })!.otlp!.headers).toEqual({ a: '1' });
    expect(() => headersFrom({ V: 'no-equals-sign' }, ['V'])).toThrow(/Name=value/);
  });

  it('Pushgateway paths: plain values encoded, values with / (or empty) as base64url', () => {
    expect(pushgatewayUrl('http://gw', 'agent-lab', 'nightly run')).toBe('http://gw/metrics/job/agent-lab/suite/nightly%20run');
    expect(pushgatewayUrl('http://gw', 'agent-lab', 'team/nightly')).toBe(`http://gw/metrics/job/agent-lab/suite@base64/${Buffer.from('team/nightly').toString('base64url')}`);
  });
});
