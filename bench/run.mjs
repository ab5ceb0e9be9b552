// `npm run bench`: the real CLI against the built-in simulator, each in its own process, one
// scenario at a time, on a cold simulator and on a warm one. Prints a table of figures against
// the targets of issues 6 and 16 and writes bench/results.json. Method and figures:
// docs/performance.md.
//   node bench/run.mjs                     every scenario
//   node bench/run.mjs overhead startup    only these
//   BENCH_CPU_PROF=/tmp/prof node bench/run.mjs overhead   also write CPU profiles of agent-lab
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { bytesPerJob, idealMs, mean, percentile, timingErrors } from './math.mjs';
import { bareNode, epoch, promptfooScenario, RESULTS, ROOT, spawnMeasured, suiteScenario } from './processes.mjs';
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

  async overhead(s, mode) {
    const { run, log } = await suiteScenario(s, mode);
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

  async promptfoo(s, mode, done) {
    const measured = await promptfooScenario(s, mode);
    // Every job answered, or its wall is not the same work's: unknown rather than flattering.
    const wall = measured ? (measured.ok === s.jobs ? measured.wallMs : null) : s.quotedWallMs;
    // Our busy time for the same jobs on a simulator in the same state: spawn → last stream byte.
    const ours = done.overhead?.[mode]?.to_last_stream_ms ?? null;
    return { measured: measured !== null, ...measured, wall_ms: wall, our_busy_ms: ours, ratio: wall && ours ? wall / ours : null };
  },

  async efficiency(s, mode) {
    const { run, log } = await suiteScenario(s, mode);
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

  async memory(s, mode) {
    // The slope needs the small run once; the warm pass repeats the 100,000 alone.
    const small = mode === 'cold' ? await suiteScenario({ ...s, jobs: s.smallJobs }, mode) : null;
    const large = await suiteScenario(s, mode);
    const b = runFigures(s, large.run);
    return {
      small: small ? runFigures({ ...s, jobs: s.smallJobs }, small.run) : undefined,
      large: b,
      bytes_per_job: small ? bytesPerJob({ jobs: s.smallJobs, maxRssKiB: small.run.maxRssKiB }, { jobs: s.jobs, maxRssKiB: large.run.maxRssKiB }) : null,
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

  async scale(s, mode) {
    const { run, log } = await suiteScenario(s, mode);
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
  // results[name] is the scenario's figures, or { cold, warm } for a scenario with modes.
  const results = {};
  for (const s of SCENARIOS) {
    if (wanted.length && !wanted.includes(s.name)) continue;
    for (const mode of s.modes ?? [null]) {
      process.stderr.write(`· ${s.name}${mode ? ` (${mode})` : ''}: ${s.describe} · load ${loadavg()[0].toFixed(2)}\n`);
      const t0 = epoch();
      let figures;
      try {
        figures = await scenarios[s.name](s, mode, results);
      } catch (error) {
        figures = { error: String(error?.stack ?? error) };
      }
      if (mode) (results[s.name] ??= {})[mode] = figures;
      else results[s.name] = figures;
      process.stderr.write(`  done in ${((epoch() - t0) / 1000).toFixed(1)} s\n`);
    }
  }
  machine.loadavg_at_end = loadavg();
  const modesOf = (name) => SCENARIOS.find((s) => s.name === name).modes;
  const checks = TARGETS.filter((t) => results[t.scenario]).map((t) =>
    modesOf(t.scenario) ? Object.fromEntries(modesOf(t.scenario).map((m) => [m, check(t, results[t.scenario][m] ?? {})])) : { only: check(t, results[t.scenario]) },
  );
  await writeFile(RESULTS, `${JSON.stringify({ machine, scenarios: Object.fromEntries(SCENARIOS.map((s) => [s.name, settingsOf(s)])), results, checks }, null, 2)}\n`);
  process.stdout.write(table(checks));
  const judged = checks.flatMap((c) => Object.values(c));
  process.stdout.write(`\n${judged.filter((c) => c.pass === false).length} of ${judged.filter((c) => c.pass !== undefined).length} bounded figures missed (cold and warm counted apart) · load ${machine.loadavg_at_start[0].toFixed(2)} → ${machine.loadavg_at_end[0].toFixed(2)} · bench/results.json\n`);
  for (const [name, r] of Object.entries(results)) for (const x of r.error ? [r] : Object.values(r)) if (x?.error) process.stdout.write(`${name} failed: ${x.error}\n`);
}

function settingsOf(s) {
  const { describe, ...rest } = s;
  return rest;
}

/** One line a figure: its cold value (or its only one), its warm value, the bound, the verdicts. */
function table(checks) {
  const head = ['scenario', 'figure', 'cold', 'warm', 'target', ''];
  const value = (c) => (c ? `${fmt(c.value, c.digits)}${c.unit && typeof c.value === 'number' ? ` ${c.unit}` : ''}` : '');
  const verdict = (c) => (!c || c.pass === undefined ? '' : c.pass === null ? '?' : c.pass ? 'ok' : 'MISS');
  const body = checks.map(({ cold, warm, only }) => {
    const first = cold ?? only;
    const verdicts = [verdict(first), verdict(warm)].filter(Boolean);
    return [first.scenario, first.figure, value(first), value(warm), first.target, verdicts.length === 2 && verdicts[0] === verdicts[1] ? verdicts[0] : verdicts.join(' / ')];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((cell, i) => (i === 2 || i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

await main();
