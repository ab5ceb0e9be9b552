// The processes a scenario needs: the simulator in its own process (cold, or warmed and its log
// cleared), a suite and config in a temp folder, and the CLI spawned through measure.mjs with its
// rusage on fd 3.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const MEASURE = join(ROOT, 'bench/measure.mjs');
export const RESULTS = join(ROOT, 'bench/results.json');
const KEY = 'sk-or-v1-bench-dummy-key-not-a-secret';
/** Epoch ms with sub-ms precision: the simulator logs on the same clock basis (src/mock/log.ts). */
export const epoch = () => performance.timeOrigin + performance.now();

/**
 * The simulator in its own process, so it never shares agent-lab's event loop. `warm`: 200
 * requests first (then its log is cleared); cold is how a user meets a server agent-lab has
 * never talked to.
 */
export async function startServer(opts, { warm = false } = {}) {
  const args = [CLI, 'mock-server', '--port', '0', '--ttft', String(opts.ttft), '--itl', String(opts.itl), '--tokens', String(opts.tokens), '--generation-delay', String(opts.generationDelay)];
  const { url, stop } = await startProcess(process.execPath, args);
  if (warm) await warmUp(url);
  return {
    url,
    origin: new URL(url).origin,
    async requests() {
      const res = await fetch(`${new URL(url).origin}/__mock/requests`);
      return res.json();
    },
    stop,
  };
}

/** A server process that prints `listening on URL`; resolves with the URL and a stop(). */
async function startProcess(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 10 s')), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A cold simulator reads its first burst of requests late (its JIT is not warm), which its log
 * would charge to agent-lab as latency: the warm figures leave that out. 200 zero-delay requests
 * at 50 at a time warm it; then its log is cleared, so only agent-lab's requests are measured.
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

const question = (i) => `Benchmark question ${i}: answer briefly.`;
/** 100 distinct tasks (fewer for small runs), each repeated to make `jobs`. */
function taskCount(jobs) {
  const tasks = Math.min(100, jobs);
  if (jobs % tasks !== 0) throw new Error(`${jobs} jobs is not a multiple of ${tasks} tasks`);
  return tasks;
}

/** A suite of `jobs` jobs: 100 distinct tasks × repeats (or fewer tasks for small runs). */
function suiteYaml(jobs, concurrency) {
  const tasks = taskCount(jobs);
  const lines = Array.from({ length: tasks }, (_, i) => `  - { id: t${i}, prompt: "${question(i)}" }`);
  return `name: bench\nmodels: [openai/gpt-4o-mini]\ntasks:\n${lines.join('\n')}\nparams: { max_tokens: 256 }\nrepeats: ${jobs / tasks}\nconcurrency: ${concurrency}\n`;
}

function configYaml(generation) {
  return `generation:\n  first_delay_ms: ${generation.firstDelayMs}\n  max_wait_ms: 30000\nlog_level: warn\n`;
}

/** Spawn one CLI process through measure.mjs; resolves with its times, rusage and output. */
export function spawnMeasured(args, { cwd, timeoutMs }) {
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
    const run = await spawnMeasured(['run', 'suite.yaml', '--base-url', server.url, '--out', 'out', '--yes'], { cwd: dir, timeoutMs: s.timeoutMs });
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

/** One suite scenario: server up (cold or warm), CLI run, server log read, server down. */
export async function suiteScenario(s, mode = 'cold') {
  const server = await startServer(s.server, { warm: mode === 'warm' });
  try {
    const run = await runSuiteOnce(s, server);
    const log = s.keepRows || s.serverLog ? await server.requests() : [];
    return { run, log };
  } finally {
    await server.stop();
  }
}

export function bareNode() {
  return new Promise((resolve) => {
    const t0 = epoch();
    spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('close', () => resolve(epoch() - t0));
  });
}

/**
 * promptfoo on the same jobs, when a scratch install is named (docs/performance.md):
 * BENCH_PROMPTFOO=<its dist/src/entrypoint.js>, BENCH_PROMPTFOO_NODE=<a node it accepts>. Never
 * a dependency of agent-lab. Its OpenAI provider does not stream, so it gets bench/plain-server.mjs
 * (the same zero-delay answer, not streamed), in a process of its own. Null when not configured.
 */
export async function promptfooScenario(s, mode = 'cold') {
  const entry = process.env.BENCH_PROMPTFOO;
  if (!entry) return null;
  const server = await startProcess(process.execPath, [join(ROOT, 'bench/plain-server.mjs'), String(s.server.tokens)]);
  const dir = await mkdtemp(join(tmpdir(), 'agent-lab-bench-promptfoo-'));
  try {
    const tasks = taskCount(s.jobs);
    if (mode === 'warm') {
      const body = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'warm up' }] });
      for (let wave = 0; wave < 4; wave++) await Promise.all(Array.from({ length: 50 }, () => fetch(`${server.url}/chat/completions`, { method: 'POST', body, headers: { connection: 'close' } }).then((r) => r.text())));
    }
    const before = await (await fetch(`${server.url}/__count`)).json();
    const tests = Array.from({ length: tasks }, (_, i) => `  - vars: { q: "${question(i)}" }`).join('\n');
    const provider = `  - id: openai:chat:openai/gpt-4o-mini\n    config: { apiBaseUrl: "${server.url}", apiKey: "${KEY}", max_tokens: 256 }`;
    await writeFile(join(dir, 'promptfooconfig.yaml'), `prompts: ["{{q}}"]\nproviders:\n${provider}\ntests:\n${tests}\n`);
    const args = [entry, 'eval', '-c', 'promptfooconfig.yaml', '--repeat', String(s.jobs / tasks), '-j', String(s.concurrency), '--no-cache', '--no-write', '--no-table', '--no-progress-bar', '--no-share'];
    // Its own home, telemetry and update checks off: it must not write outside the temp folder or go online.
    const env = { ...process.env, HOME: dir, PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_DISABLE_SHARING: '1', PROMPTFOO_CONFIG_DIR: join(dir, '.promptfoo') };
    const startedAt = epoch();
    const code = await new Promise((resolve) => {
      const child = spawn(process.env.BENCH_PROMPTFOO_NODE || process.execPath, args, { cwd: dir, env, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), s.timeoutMs);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const wallMs = epoch() - startedAt;
    const after = await (await fetch(`${server.url}/__count`)).json();
    return { code, wallMs, requests: after.requests - before.requests, ok: after.ok - before.ok };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
