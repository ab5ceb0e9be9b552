// SLO goodput end to end through the CLI on the built-in simulator, whose models have their own
// speeds (src/mock/catalog.ts): llama-3.1-8b starts in 135–225 ms at ~8 ms a token, claude-sonnet
// in 412–688 ms at ~20 ms. Speed checks fill slo_met and leave the quality pass rate alone; a row
// without the figure (not streamed: no TTFT) is neither met nor missed; the speed gates, the
// table, report.html, the metrics textfile and the history line all carry it.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/errors.js';
import type { HistoryEntry } from '../src/history/history.js';
import type { JobResult } from '../src/types/result.js';
import type { RunSummary } from '../src/types/summary.js';
import { runCli, type CliExit } from './helpers/cli.js';
import { readJson, readJsonl } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const FAST = 'meta-llama/llama-3.1-8b-instruct';
const SLOW = 'anthropic/claude-sonnet-4.5';
const SUITE = `
name: goodput
models: [${FAST}, ${SLOW}]
repeats: 2
checks:
  - max_ttft_ms: 400
tasks:
  - id: right
    prompt: 'Capital of Australia? [[mock: reply="Canberra"]]'
    checks: [{ contains: Canberra }]
  - id: unstreamed
    stream: false
    prompt: 'Capital of Australia, again? [[mock: reply="Canberra"]]'
    checks: [{ contains: Canberra }]
  - id: long
    prompt: Tell me a story.
    checks: [{ min_output_tps: 20 }, { max_itl_ms: 14 }]
`;

let ws: Workspace;
let res: CliExit;
let summary: RunSummary;
let rows: JobResult[];
beforeAll(async () => {
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  res = await runCli(
    ['run', 'suite.yaml', '--mock', '--out', 'out', '--history', 'history.jsonl', '--metrics-file', 'agent-lab.prom', '--min-pass-rate', '1', '--gate', 'min_slo_met_rate=0.5', '--gate', 'max_p95_ttft_ms=400'],
    { cwd: ws.dir },
  );
  summary = await readJson<RunSummary>(ws.path('out/summary.json'));
  rows = await readJsonl<JobResult>(ws.path('out/results.jsonl'));
});
afterAll(() => ws.cleanup());

const group = (model: string) => summary.groups.find((g) => g.model === model)!;

describe('SLO goodput on the simulator', () => {
  it('counts the speed checks in slo_met per model, apart from the quality pass rate', () => {
    expect(group(FAST)).toMatchObject({ slo_checked: 4, slo_met: 4, slo_met_rate: 1 });
    expect(group(SLOW)).toMatchObject({ slo_checked: 4, slo_met: 0, slo_met_rate: 0 });
    expect(summary.overall).toMatchObject({ slo_checked: 8, slo_met: 4, slo_met_rate: 0.5 });
    // A slow right answer is a right answer: both models pass every quality check.
    for (const model of [FAST, SLOW]) expect(group(model)).toMatchObject({ checked: 4, passed: 4, pass_rate: 1 });
  });

  it("keeps every check's verdict on the row; a row without the figure is neither met nor missed", () => {
    const slowRight = rows.find((r) => r.model === SLOW && r.task_id === 'right')!;
    expect(slowRight).toMatchObject({ passed: true, slo_met: false });
    expect(slowRight.checks.map((c) => [c.name, c.pass])).toEqual([
      ['max_ttft_ms 400', false],
      ['contains "Canberra"', true],
    ]);
    const slowLong = rows.find((r) => r.model === SLOW && r.task_id === 'long')!;
    // Only speed checks: no quality verdict at all; claude's ~20 ms gaps miss max_itl_ms 14.
    expect(slowLong).toMatchObject({ passed: null, slo_met: false });
    expect(slowLong.checks.find((c) => c.name === 'max_itl_ms 14')!.pass).toBe(false);
    expect(rows.find((r) => r.model === FAST && r.task_id === 'long')).toMatchObject({ passed: null, slo_met: true });
    for (const r of rows.filter((x) => x.task_id === 'unstreamed')) expect(r).toMatchObject({ stream: false, ttft_ms: null, slo_met: null, passed: true });
  });

  it('gates the share under the SLO and p95 TTFT per model: exit 3, the pass-rate gate still passes', () => {
    expect(summary.gates!.map((g) => [g.gate, g.scope, g.status])).toEqual([
      ['min_pass_rate', `${FAST} / default`, 'pass'],
      ['min_pass_rate', `${SLOW} / default`, 'pass'],
      ['min_slo_met_rate', `${FAST} / default`, 'pass'],
      ['min_slo_met_rate', `${SLOW} / default`, 'fail'],
      ['max_p95_ttft_ms', `${FAST} / default`, 'pass'],
      ['max_p95_ttft_ms', `${SLOW} / default`, 'fail'],
    ]);
    expect(res.code).toBe(EXIT.gate);
    expect(res.stdout).toContain(`${SLOW} / default: SLO met 0% (0/4) < 50%`);
  });

  it('shows slo met in the table, results.csv, report.html, the metrics textfile and the history line', async () => {
    expect(res.stdout).toMatch(/slo met/);
    expect(res.stdout).toMatch(/4\/4 100%/);
    expect(res.stdout).toMatch(/0\/4 0%/);
    const csv = (await readFile(ws.path('out/results.csv'), 'utf8')).split('\n');
    // Appended after the columns that were there before it (a contract: nothing reordered).
    const header = csv[0]!.split(',');
    expect(header.indexOf('slo_met')).toBeGreaterThan(header.indexOf('prompt_sha256'));
    const html = await readFile(ws.path('out/report.html'), 'utf8');
    expect(html).toContain('SLO met (95% CI)');
    expect(html).toMatch(/data-field="slo_met_rate" data-value="0"/);
    const prom = await readFile(ws.path('agent-lab.prom'), 'utf8');
    expect(prom).toContain('# TYPE agent_lab_slo_met_ratio gauge');
    expect(prom).toMatch(new RegExp(`agent_lab_slo_met_ratio\\{[^}]*model="${SLOW}"[^}]*\\} 0\\n`));
    expect(prom).toMatch(new RegExp(`agent_lab_slo_met_ratio\\{[^}]*model="${FAST.replace(/\./g, '\\.')}"[^}]*\\} 1\\n`));
    const [line] = await readJsonl<HistoryEntry>(ws.path('history.jsonl'));
    expect(line!.groups.map((g) => [g.model, g.slo_met_rate])).toEqual([
      [FAST, 1],
      [SLOW, 0],
    ]);
    const history = await runCli(['history', '--history', 'history.jsonl'], { cwd: ws.dir });
    expect(history.stdout).toMatch(/slo met/);
  });

  it('refuses min_slo_met_rate on a suite without speed checks, before sending anything', async () => {
    await ws.write('quality.yaml', 'name: q\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi, checks: [{ contains: x }] }]\n');
    const r = await runCli(['run', 'quality.yaml', '--mock', '--out', 'q', '--gate', 'min_slo_met_rate=0.9'], { cwd: ws.dir });
    expect(r.code).toBe(EXIT.config);
    expect(r.stderr).toContain('`min_slo_met_rate` needs speed checks');
  });
});
