// `npm run bench`: the real CLI against the built-in simulator, each in its own process, one
// scenario at a time. Prints a table of figures against the targets of issue 6 and writes
// bench/results.json. Method and figures: docs/performance.md.
//   node bench/run.mjs                     every scenario
//   node bench/run.mjs overhead startup    only these
//   BENCH_CPU_PROF=/tmp/prof node bench/run.mjs overhead   also write CPU profiles of agent-lab
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesPerJob, idealMs, mean, percentile, timingErrors } from './math.mjs';
import { SCENARIOS, TARGETS, check } from './scenarios.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const MEASURE = join(ROOT, 'bench/measure.mjs');
const RESULTS = join(ROOT, 'bench/results.json');
const KEY = 'sk-or-v1-bench-dummy-key-not-a-secret';
/** Epoch ms with sub-ms precision: the simulator logs on the same clock basis (src/mock/log.ts). */
const epoch = () => performance.timeOrigin + performance.now();

/** The simulator in its own process, so it never shares agent-lab's event loop. */
async function startServer(opts) {
  const args = [CLI, 'mock-server', '--port', '0', '--ttft', String(opts.ttft), '--itl', String(opts.itl), '--tokens', String(opts.tokens), '--generation-delay', String(opts.generationDelay)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the simulator did not start within 10 s')), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
  });
  await warmUp(url);
  return {
    url,
    origin: new URL(url).origin,
    async requests() {
      const res = await fetch(`${new URL(url).origin}/__mock/requests`);
      return res.json();
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A cold simulator reads its first burst of requests late (its JIT is not warm), which its
 * log would charge to agent-lab as latency. 200 zero-delay requests at 50 at a time warm it;
 * then its log is cleared, so only agent-lab's requests are measured.
 */
async function warmUp(url) {
  const body = JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'warm up [[mock: ttft=0 itl=0]]' }] });
  const one = async () => {
    // A fresh connection each time: agent-lab's first wave opens 50 at once, so accepting is warmed too.
    const res = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body });
    await res.text();
  };
  for (let wave = 0; wave < 4; wave++) await Promise.all(Array.from({ length: 50 }, one));
  await fetch(`${new URL(url).origin}/__mock/reset`, { method: 'POST' });
}

/** A suite of `jobs` jobs: 100 distinct tasks × repeats (or fewer tasks for small runs). */
function suiteYaml(jobs, concurrency) {
  const tasks = Math.min(100, jobs);
  if (jobs % tasks !== 0) throw new Error(`${jobs} jobs is not a multiple of ${tasks} tasks`);
  const lines = Array.from({ length: tasks }, (_, i) => `  - { id: t${i}, prompt: "Benchmark question ${i}: answer briefly." }`);
  return `name: bench\nmodels: [openai/gpt-4o-mini]\ntasks:\n${lines.join('\n')}\nparams: { max_tokens: 256 }\nrepeats: ${jobs / tasks}\nconcurrency: ${concurrency}\n`;
}

function configYaml(generation) {
  return `generation:\n  first_delay_ms: ${generation.firstDelayMs}\n  max_wait_ms: 30000\nlog_level: warn\n`;
}

/** Spawn one CLI process through measure.mjs; resolves with its times, rusage and output. */
function spawnMeasured(args, { cwd, timeoutMs }) {
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const env = { ...process.env, OPENROUTER_API_KEY: KEY };
  delete env.OPENROUTER_BASE_URL;
  return new Promise((resolve) => {
    const startedAt = epoch();
    const child = spawn(process.execPath, [...prof, MEASURE, CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let usage = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdio[3].on('data', (d) => (usage += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      const endedAt = epoch();
      clearTimeout(timer);
      const u = usage ? JSON.parse(usage) : null;
      resolve({
        code,
        timedOut,
        startedAt,
        endedAt,
        wallMs: endedAt - startedAt,
        cpuMs: u ? (u.userCpuUs + u.systemCpuUs) / 1000 : null,
        maxRssKiB: u?.maxRssKiB ?? null,
        stdout,
        stderr,
      });
    });
  });
}

async function runSuiteOnce(s, server) {
  const dir = await mkdtemp(join(tmpdir(), `agent-lab-bench-${s.name}-`));
  try {
    await writeFile(join(dir, 'suite.yaml'), suiteYaml(s.jobs, s.concurrency));
    await writeFile(join(dir, 'agent-lab.config.yaml'), configYaml(s.generation));
    const run = await spawnMeasured(['run', 'suite.yaml', '--base-url', server.url, '--out', 'out'], { cwd: dir, timeoutMs: s.timeoutMs });
    const rows = run.code === null ? [] : readRows(join(dir, 'out/results.jsonl'), s.keepRows);
    return { ...run, ...rows };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Row count, ok count and (when asked) the timing fields of every row. */
function readRows(file, keep) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { rows: 0, ok: 0, kept: [] };
  }
  let rows = 0;
  let ok = 0;
  const kept = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line);
    rows++;
    if (r.status === 'ok') ok++;
    if (keep) kept.push({ job_id: r.job_id, generation_id: r.generation_id, ttft_ms: r.ttft_ms, latency_ms: r.latency_ms, queue_ms: r.queue_ms, cost_source: r.cost_source });
  }
  return { rows, ok, kept };
}

/** One suite scenario: server up, CLI run, server log read, server down. */
async function suiteScenario(s) {
  const server = await startServer(s.server);
  try {
    const run = await runSuiteOnce(s, server);
    const log = s.keepRows || s.serverLog ? await server.requests() : [];
    return { run, log };
  } finally {
    await server.stop();
  }
}

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

function bareNode() {
  return new Promise((resolve) => {
    const t0 = epoch();
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('close', () => resolve(epoch() - t0));
  });
}

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
