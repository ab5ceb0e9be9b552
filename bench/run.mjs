// `npm run bench`: the real CLI against the built-in simulator, each in its own process, one
// scenario at a time. Prints a table of figures against the targets of issue 6 and writes
// bench/results.json. Method and figures: docs/performance.md.
//   node bench/run.mjs                     every scenario
//   node bench/run.mjs overhead startup    only these
//   BENCH_CPU_PROF=/tmp/prof node bench/run.mjs overhead   also write CPU profiles of agent-lab
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { bytesPerJob, idealMs, mean, percentile, timingErrors } from './math.mjs';
import { bareNode, epoch, RESULTS, ROOT, spawnMeasured, suiteScenario } from './processes.mjs';
import { SCENARIOS, TARGETS, check } from './scenarios.mjs';
import { datasetScenario } from './dataset.mjs';

const fmt = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v));

function runFigures(s, run) {
  return {
    exit_code: run.code,
    timed_out: run.timedOut,
    jobs: s.jobs,
    rows: run.rows,
    ok: run.ok,
    wall_ms: run.wallMs,
    jobs_per_s: run.wallMs ? (s.jobs / run.wallMs) * 1000 : null,
    cpu_ms: run.cpuMs,
    cpu_ms_per_job: run.cpuMs === null ? null : run.cpuMs / s.jobs,
    max_rss_mb: run.maxRssKiB === null ? null : run.maxRssKiB / 1024,
  };
}

/** Server-side timing: mean time per request, and when the last stream ended. */
function serverTiming(log) {
  const done = log.filter((e) => e.end_at !== null && e.status === 200);
  return {
    requests: log.length,
    mean_ms_per_request: mean(done.map((e) => e.end_at - e.received_at)),
    last_end_at: done.length ? done.reduce((a, e) => Math.max(a, e.end_at), -Infinity) : null,
  };
}

const scenarios = {
  dataset: datasetScenario,

  async overhead(s) {
    const { run, log } = await suiteScenario(s);
    const f = runFigures(s, run);
    const t = serverTiming(log);
    // Where the wall time went: up to the last stream's end, then costs and final writes.
    const firstReceived = log.length ? log.reduce((a, e) => Math.min(a, e.received_at), Infinity) : null;
    return {
      ...f,
      server_requests: t.requests,
      to_first_request_ms: firstReceived === null ? null : firstReceived - run.startedAt,
      to_last_stream_ms: t.last_end_at === null ? null : t.last_end_at - run.startedAt,
      tail_ms: t.last_end_at === null ? null : run.endedAt - t.last_end_at,
      stderr: tail(run.stderr),
    };
  },

  async efficiency(s) {
    const { run, log } = await suiteScenario(s);
    const f = runFigures(s, run);
    const t = serverTiming(log);
    const ideal = t.mean_ms_per_request === null ? null : idealMs(s.jobs, s.concurrency, t.mean_ms_per_request);
    const toLastStream = t.last_end_at === null ? null : t.last_end_at - run.startedAt;
    const errors = timingErrors(run.kept, log);
    // The first wave also pays for 50 cold connects in both processes; shown apart, for context.
    const firstWave = new Set([...log].sort((a, b) => a.received_at - b.received_at).slice(0, s.concurrency).map((e) => e.generation_id));
    const warm = timingErrors(run.kept.filter((r) => !firstWave.has(r.generation_id)), log);
    return {
      ...f,
      server_ms_per_request: t.mean_ms_per_request,
      ideal_ms: ideal,
      to_last_stream_ms: toLastStream,
      ratio_to_ideal: ideal && toLastStream !== null ? toLastStream / ideal : null,
      cost_tail_ms: t.last_end_at === null ? null : run.endedAt - t.last_end_at,
      costs_resolved: run.kept.filter((r) => r.cost_source === 'generation').length,
      queue_ms_p50: percentile(run.kept.map((r) => r.queue_ms ?? 0), 0.5),
      timing_error: errors,
      timing_error_after_first_wave: warm,
      stderr: tail(run.stderr),
    };
  },

  async memory(s) {
    const small = await suiteScenario({ ...s, jobs: s.smallJobs });
    const large = await suiteScenario(s);
    const a = runFigures({ ...s, jobs: s.smallJobs }, small.run);
    const b = runFigures(s, large.run);
    return {
      small: a,
      large: b,
      bytes_per_job: bytesPerJob({ jobs: s.smallJobs, maxRssKiB: small.run.maxRssKiB }, { jobs: s.jobs, maxRssKiB: large.run.maxRssKiB }),
      stderr: tail(large.run.stderr),
    };
  },

  async startup(s) {
    const out = {};
    for (const flag of ['--version', '--help']) {
      const walls = [];
      const rss = [];
      for (let i = 0; i < s.runs; i++) {
        const r = await spawnMeasured([flag], { cwd: ROOT, timeoutMs: 10_000 });
        walls.push(r.wallMs);
        rss.push(r.maxRssKiB / 1024);
      }
      out[flag] = { median_ms: percentile(walls, 0.5), min_ms: Math.min(...walls), max_rss_mb: Math.max(...rss) };
    }
    // The floor: node itself starting and exiting, on this machine right now.
    const bare = [];
    for (let i = 0; i < s.runs; i++) bare.push(await bareNode());
    out.node_floor_median_ms = percentile(bare, 0.5);
    return out;
  },

  async scale(s) {
    const { run, log } = await suiteScenario(s);
    const f = runFigures(s, run);
    const t = serverTiming(log);
    const ideal = t.mean_ms_per_request === null ? null : idealMs(s.jobs, s.concurrency, t.mean_ms_per_request);
    const toLastStream = t.last_end_at === null ? null : t.last_end_at - run.startedAt;
    // How many streams the server had open at once: the proof that they really ran together.
    const events = log.flatMap((e) => (e.end_at === null ? [] : [[e.received_at, 1], [e.end_at, -1]])).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let open = 0;
    let peak = 0;
    for (const [, d] of events) peak = Math.max(peak, (open += d));
    const received = log.map((e) => e.received_at);
    const firstAt = received.length ? received.reduce((a, b) => Math.min(a, b), Infinity) : null;
    const lastAt = received.length ? received.reduce((a, b) => Math.max(a, b), -Infinity) : null;
    return {
      ...f,
      peak_open_streams: peak,
      to_first_request_ms: firstAt === null ? null : firstAt - run.startedAt,
      // How long it took to get all 2,000 requests to the server: the cost of opening that many connections.
      dispatch_spread_ms: firstAt === null ? null : lastAt - firstAt,
      server_ms_per_request: t.mean_ms_per_request,
      ideal_ms: ideal,
      to_last_stream_ms: toLastStream,
      ratio_to_ideal: ideal && toLastStream !== null ? toLastStream / ideal : null,
      stderr: tail(run.stderr),
    };
  },
};

const tail = (text) => text.trim().split('\n').slice(-3).join('\n');

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length) {
    process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const machine = {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? null,
    node: process.version,
    loadavg_at_start: loadavg(),
    date: new Date().toISOString(),
  };
  process.stderr.write(`agent-lab bench: ${machine.nproc} × ${machine.cpu}, node ${machine.node}, load ${machine.loadavg_at_start.map((l) => l.toFixed(2)).join(' ')}\n`);
  const results = {};
  for (const s of SCENARIOS) {
    if (wanted.length && !wanted.includes(s.name)) continue;
    process.stderr.write(`· ${s.name}: ${s.describe}\n`);
    const t0 = epoch();
    try {
      results[s.name] = await scenarios[s.name](s);
    } catch (error) {
      results[s.name] = { error: String(error?.stack ?? error) };
    }
    process.stderr.write(`  done in ${((epoch() - t0) / 1000).toFixed(1)} s\n`);
  }
  machine.loadavg_at_end = loadavg();
  const checks = TARGETS.filter((t) => results[t.scenario]).map((t) => check(t, results[t.scenario]));
  await writeFile(RESULTS, `${JSON.stringify({ machine, scenarios: Object.fromEntries(SCENARIOS.map((s) => [s.name, settingsOf(s)])), results, checks }, null, 2)}\n`);
  process.stdout.write(table(checks));
  process.stdout.write(`\n${checks.filter((c) => c.pass === false).length} of ${checks.length} targets missed · bench/results.json\n`);
  for (const [name, r] of Object.entries(results)) if (r.error) process.stdout.write(`${name} failed: ${r.error}\n`);
}

function settingsOf(s) {
  const { describe, ...rest } = s;
  return rest;
}

function table(checks) {
  const head = ['scenario', 'figure', 'value', 'target', ''];
  const body = checks.map((c) => [c.scenario, c.figure, `${fmt(c.value, c.digits)}${c.unit ? ` ${c.unit}` : ''}`, c.target, c.pass === undefined ? '' : c.pass === null ? '?' : c.pass ? 'ok' : 'MISS']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

await main();
