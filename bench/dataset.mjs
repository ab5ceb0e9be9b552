// The dataset scenario (issue 11, and issue 16's lazy matrix): a 100,000-row CSV through one
// prompt template. `plan` on it, a run against the simulator in its own process, and `run
// --mock` (the simulator in agent-lab's process, as a user runs it): wall time, CPU and peak RSS.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnMeasured, startServer } from './processes.mjs';

/**
 * `rows` rows with a quoted comma in every question, and a check whose argument is a template.
 * The prompt carries the zero-delay timing the separate simulator is started with (ZERO), so
 * `run --mock` is served the same way: at its default model timing (~0.69 s a job, 72 jobs/s at
 * c50) 100,000 rows cannot fit in the scenario's limit.
 */
function files(rows, concurrency) {
  const lines = ['qid,question,answer'];
  for (let i = 0; i < rows; i++) lines.push(`${i},"What is ${i} plus ${i % 7}, roughly?",${i + (i % 7)}`);
  const suite = `name: bench-dataset\nmodels: [openai/gpt-4o-mini]\nparams: { max_tokens: 64 }\nconcurrency: ${concurrency}\ntasks:\n  - from: q.csv\n    id: "q-{{ qid }}"\n    prompt: "{{ question }} [[mock: ttft=0 itl=0 tokens=20]]"\n    checks:\n      - contains: "{{ answer }}"\n`;
  return { 'q.csv': `${lines.join('\n')}\n`, 'suite.yaml': suite, 'agent-lab.config.yaml': 'generation:\n  first_delay_ms: 150\n  max_wait_ms: 30000\nlog_level: warn\n' };
}

const rowsIn = (file) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

const figures = (run, jobs) => ({
  exit_code: run.code,
  wall_ms: run.wallMs,
  cpu_ms: run.cpuMs,
  cpu_ms_per_job: run.cpuMs === null ? null : run.cpuMs / jobs,
  max_rss_mb: run.maxRssKiB === null ? null : run.maxRssKiB / 1024,
});

export async function datasetScenario(s) {
  const dir = await mkdtemp(join(tmpdir(), 'agent-lab-bench-dataset-'));
  const server = await startServer(s.server);
  try {
    for (const [name, text] of Object.entries(files(s.rows, s.concurrency))) await writeFile(join(dir, name), text);
    const plan = await spawnMeasured(['plan', 'suite.yaml', '--base-url', server.url], { cwd: dir, timeoutMs: s.timeoutMs });
    const run = await spawnMeasured(['run', 'suite.yaml', '--base-url', server.url, '--out', 'out', '--no-history', '--yes'], { cwd: dir, timeoutMs: s.timeoutMs });
    const runRows = rowsIn(join(dir, 'out/results.jsonl'));
    const mock = await spawnMeasured(['run', 'suite.yaml', '--mock', '--out', 'mock', '--no-history', '--yes'], { cwd: dir, timeoutMs: s.timeoutMs });
    return {
      rows: s.rows,
      plan: { ...figures(plan, s.rows), jobs_line: /^\d+ job\(s\)/m.exec(plan.stdout)?.[0] ?? null },
      run: { ...figures(run, s.rows), result_rows: runRows },
      mock: { ...figures(mock, s.rows), result_rows: rowsIn(join(dir, 'mock/results.jsonl')) },
      stderr: [plan.stderr, run.stderr, mock.stderr].join('\n').trim().split('\n').slice(-3).join('\n'),
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
