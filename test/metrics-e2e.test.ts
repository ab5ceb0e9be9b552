// The metrics flags end to end, against real receivers: Debian's prometheus-pushgateway on a
// loopback port (skipped, and saying so, when it is not installed), a loopback OTLP receiver that
// checks the JSON against the .proto files, and the textfile read back by an exposition parser.
// A run and `history --export` send the same numbers; a target that fails never costs the run's
// files or its exit code.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { createLogger } from '../src/log.js';
import { mergeFamilies, suiteMetrics } from '../src/metrics/families.js';
import { renderPrometheus } from '../src/metrics/prometheus.js';
import { publishMetrics } from '../src/metrics/publish.js';
import { metricsTargets } from '../src/metrics/targets.js';
import { readHistory } from '../src/history/history.js';
import { runCli } from './helpers/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './helpers/otlp-receiver.js';
import { pushgatewayMissing, startPushgateway, type Pushgateway } from './helpers/pushgateway.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const SUITE = `name: nightly
models: [mock/echo, openai/gpt-4o-mini]
system_prompts: { terse: Be brief., plain: '' }
tasks:
  - { id: a, prompt: one two three, checks: [{ contains: two }] }
  - { id: b, prompt: four five }
`;

let ws: Workspace;
let otlp: OtlpReceiver;
const cli = (...args: string[]) => runCli(args, { cwd: ws.dir, env: { AGENT_LAB_CACHE_DIR: ws.path('cache') } });

/** `name{labels}` → value, for the families agent-lab writes (the gateway adds its own). */
function samples(text: string, drop: string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of parsePrometheusTextFormat(text)) {
    if (!f.name.startsWith('agent_lab_')) continue;
    for (const m of f.metrics) {
      const labels = Object.entries(m.labels ?? {}).filter(([k]) => !drop.includes(k)).sort(([a], [b]) => a.localeCompare(b));
      out.set(`${f.name}{${labels.map(([k, v]) => `${k}=${v}`).join(',')}}`, m.value);
    }
  }
  return out;
}

beforeAll(async () => {
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  otlp = await startOtlpReceiver();
});
afterAll(async () => {
  await otlp.close();
  await ws.cleanup();
});

describe('a run with --metrics-file and --otlp, then history --export', () => {
  let textfile: string;
  beforeAll(async () => {
    expect((await cli('run', 'suite.yaml', '--mock', '--out', 'r1', '--history', 'h.jsonl', '--metrics-file', 'm/nightly.prom')).code).toBe(0);
    const r = await cli('run', 'suite.yaml', '--mock', '--out', 'r2', '--history', 'h.jsonl', '--metrics-file', 'm/nightly.prom', '--otlp', otlp.url);
    expect(r.code, r.stderr).toBe(0);
    textfile = await readFile(ws.path('m/nightly.prom'), 'utf8');
  }, 60_000);

  it('writes a textfile the parser reads, with the run figures and counters over both runs', () => {
    const s = samples(textfile);
    const key = 'model=mock/echo,suite=nightly,system_prompt=terse';
    expect(s.get(`agent_lab_run_jobs{model=mock/echo,status=ok,suite=nightly,system_prompt=terse}`)).toBe('2');
    expect(s.get(`agent_lab_jobs_total{model=mock/echo,status=ok,suite=nightly,system_prompt=terse}`)).toBe('4');
    expect(s.get('agent_lab_runs_total{suite=nightly}')).toBe('2');
    const p50 = Number(s.get(`agent_lab_latency_seconds{model=mock/echo,quantile=0.5,suite=nightly,system_prompt=terse}`));
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThan(60);
    // mock/echo answers with the prompt, so task a (the only one with a check) passes.
    expect(s.get(`agent_lab_pass_ratio{${key}}`)).toBe('1');
    expect(existsSync(ws.path('m/nightly.prom.tmp-1'))).toBe(false);
  });

  it('sends the same metrics over OTLP, valid to the protobuf JSON mapping', () => {
    expect(otlp.requests).toHaveLength(1);
    const [request] = otlp.requests;
    expect(request!.path).toBe('/v1/metrics');
    expect(request!.problems).toEqual([]);
    const metrics = (request!.body as any).resourceMetrics[0].scopeMetrics[0].metrics as any[];
    expect(metrics.map((m) => m.name).sort()).toEqual(parsePrometheusTextFormat(textfile).map((f) => f.name).sort());
  });

  it('history --export prints exactly what the run wrote: one line of history, one set of numbers', async () => {
    const r = await cli('history', '--history', 'h.jsonl', '--export');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(textfile);
  });

  it('history --export --metrics-file writes it; the metrics flags without --export are a usage error', async () => {
    expect((await cli('history', '--history', 'h.jsonl', '--export', '--metrics-file', 'again.prom')).code).toBe(0);
    expect(await readFile(ws.path('again.prom'), 'utf8')).toBe(textfile);
    const r = await cli('history', '--history', 'h.jsonl', '--metrics-file', 'x.prom');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--export/);
  });
});

describe('when a target fails', () => {
  it('the run warns, keeps its files and its exit code; history --export exits 1', async () => {
    otlp.replies.push({ status: 400, body: '{"message":"bad"}' });
    const before = otlp.requests.length;
    const r = await cli('run', 'suite.yaml', '--mock', '--out', 'failed-push', '--history', 'h2.jsonl', '--otlp', otlp.url);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Metrics not delivered[\s\S]*HTTP 400[\s\S]*agent-lab history --export/);
    expect(otlp.requests.length - before).toBe(1); // 400 is not retried
    for (const file of ['results.jsonl', 'summary.json', 'run.json']) expect(existsSync(ws.path(`failed-push/${file}`)), file).toBe(true);
    otlp.replies.push({ status: 400 });
    const again = await cli('history', '--history', 'h2.jsonl', '--export', '--otlp', otlp.url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/metrics not delivered/);
    // Once the collector is back, the same command delivers.
    expect((await cli('history', '--history', 'h2.jsonl', '--export', '--otlp', otlp.url)).code).toBe(0);
  }, 30_000);

  it('503 and 429 are retried with backoff until the collector takes it; the retries give up in the end', async () => {
    const history = await readHistory(ws.path('h.jsonl'));
    const suites = [suiteMetrics(history.at(-1)!, history)];
    const targets = metricsTargets({ otlp: otlp.url }, ws.dir, {})!;
    const env = memoryEnv({ cwd: ws.dir });
    const logger = createLogger(env.stderr, 'info');
    const before = otlp.requests.length;
    otlp.replies.push({ status: 503 }, { status: 429 });
    expect((await publishMetrics(targets, suites, env, logger, { minBackoffMs: 5 })).failed).toEqual([]);
    expect(otlp.requests.length - before).toBe(3);
    otlp.replies.push({ status: 503 }, { status: 503 }, { status: 503 });
    const { failed } = await publishMetrics(targets, suites, env, logger, { minBackoffMs: 5, retries: 2 });
    expect(failed).toEqual([expect.stringMatching(/HTTP 503/)]);
    expect(otlp.requests.length - before).toBe(6);
  });

  it('a partial success from the collector is a warning naming the rejected points', async () => {
    otlp.replies.push({ status: 200, body: JSON.stringify({ partialSuccess: { rejectedDataPoints: '3', errorMessage: 'too old' } }) });
    const r = await cli('history', '--history', 'h.jsonl', '--export', '--otlp', otlp.url);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/rejected 3 data point\(s\): too old/);
  });
});

const missing = pushgatewayMissing();
describe.skipIf(missing !== null)(`against the real Prometheus Pushgateway${missing ? ` (SKIPPED: ${missing})` : ''}`, () => {
  let gateway: Pushgateway;
  beforeAll(async () => {
    gateway = await startPushgateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('takes the push, and serves back the run’s numbers under job and suite', async () => {
    const r = await cli('run', 'suite.yaml', '--mock', '--out', 'pushed', '--history', 'hp.jsonl', '--metrics-file', 'pushed.prom', '--pushgateway', gateway.url, '--push-job', 'nightly-cron');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/not delivered/);
    const scraped = samples(await gateway.scrape(), ['instance']);
    const written = samples(await readFile(ws.path('pushed.prom'), 'utf8'));
    expect(written.size).toBeGreaterThan(20);
    // Every sample the run wrote, served by the gateway with its grouping key added.
    // Go prints 4.935e-05 where JavaScript printed 0.00004935: the same number.
    for (const [key, value] of written) expect(Number(scraped.get(key.replace(/\{/, '{job=nightly-cron,'))), key).toBe(Number(value));
  });

  it('a second push replaces the group: series of models no longer run disappear', async () => {
    const r = await cli('run', 'suite.yaml', '--mock', '--out', 'pushed2', '--history', 'hp.jsonl', '--models', 'mock/echo', '--pushgateway', gateway.url, '--push-job', 'nightly-cron');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/not delivered/);
    const keys = [...samples(await gateway.scrape(), ['instance']).keys()];
    expect(keys.some((k) => k.includes('model=mock/echo'))).toBe(true);
    expect(keys.filter((k) => k.includes('model=openai/gpt-4o-mini'))).toEqual([]);
  });

  it("the gateway's own parser (Go's) accepts a textfile of several suites with odd label values", async () => {
    const [line] = await readHistory(ws.path('hp.jsonl'));
    const odd = 'say "hi" \\ ünïcode\nnext line';
    const other = { ...line!, suite: 'other', groups: line!.groups.map((g) => ({ ...g, system_prompt_id: `${g.system_prompt_id} ${odd}` })) };
    const text = renderPrometheus(mergeFamilies([suiteMetrics(line!, [line!]), suiteMetrics(other, [other])]));
    const put = await fetch(`${gateway.url}/metrics/job/textfile-check`, { method: 'PUT', body: text });
    expect(put.status, await put.text()).toBeLessThan(300);
    const served = parsePrometheusTextFormat(await gateway.scrape()).find((f) => f.name === 'agent_lab_runs_total')!;
    expect(served.metrics.filter((m) => m.labels?.job === 'textfile-check').map((m) => m.labels!.suite).sort()).toEqual(['nightly', 'other']);
    const prompts = parsePrometheusTextFormat(await gateway.scrape()).find((f) => f.name === 'agent_lab_run_jobs')!.metrics.map((m) => m.labels!.system_prompt);
    expect(prompts).toContain(`terse ${odd}`);
  });
});
