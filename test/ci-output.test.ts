// CI formats: --junit validated against a Jenkins-style JUnit XSD (by libxml2's xmllint, built
// to WebAssembly, so no native binary), and the Markdown summary appended to $GITHUB_STEP_SUMMARY.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { XMLParser } from 'fast-xml-parser';
import { summarize } from '../src/stats/aggregate.js';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { renderJunit } from '../src/render/junit.js';
import { renderSummaryMarkdown } from '../src/render/summary-md.js';
import { runSuite } from '../src/run/index.js';
import { row } from './helpers/rows.js';
import type { JobResult } from '../src/types/result.js';
import type { RunSummary } from '../src/types/summary.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const XSD = fileURLToPath(new URL('./fixtures/junit/jenkins-junit.xsd', import.meta.url));
const KEY = 'sk-or-v1-ci-output-test-key-01234567';

async function validate(xml: string) {
  return validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: await readFile(XSD, 'utf8') }] });
}

const SUITE = `
name: ci
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
tasks:
  - id: right
    prompt: 'Capital? [[mock: reply="Canberra <&> \\"quoted\\"" ]]'
    checks: [{ icontains: canberra }, { max_tokens: 100 }]
  - id: wrong
    prompt: 'Capital? [[mock: reply="Sydney."]]'
    checks: [{ icontains: canberra }, { not_contains: Sydney }, { max_tokens: 100 }]
  - id: broken
    prompt: 'x [[mock: fault=bad_request]]'
`;

let server: MockServer;
let ws: Workspace;
let xml: string;
let stepSummary: string;
let exitCode: number;

beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 10 });
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG, 'step-summary.md': '## earlier step\n' });
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, GITHUB_STEP_SUMMARY: ws.path('step-summary.md') } });
  const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', history: false, junit: 'reports/junit.xml', gates: { min_pass_rate: 0.9, max_total_cost: 100 } }, env);
  exitCode = report.exitCode;
  xml = await readFile(ws.path('reports/junit.xml'), 'utf8');
  stepSummary = await readFile(ws.path('step-summary.md'), 'utf8');
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

describe('--junit', () => {
  it('is valid against the JUnit XSD', async () => {
    expect(exitCode).toBe(EXIT.gate);
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the XSD check is real: a report missing required counts is rejected', async () => {
    const broken = xml.replace(/<testsuite name="([^"]*)" tests="\d+"/, '<testsuite name="$1"');
    const result = await validate(broken);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(/tests.*required/);
  });

  it('has one testsuite per model × system prompt plus the gates, one testcase per job', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name) }).parse(xml);
    const suites = doc.testsuites.testsuite as { name: string; tests: string; failures: string; errors: string; testcase: Record<string, unknown>[] }[];
    expect(suites.map((s) => s.name)).toEqual(['openai/gpt-4o-mini / default', 'meta-llama/llama-3.1-8b-instruct / default', 'gates']);
    const mini = suites[0]!;
    expect(mini).toMatchObject({ tests: '3', failures: '1', errors: '1' });
    const byName = Object.fromEntries(mini.testcase.map((c) => [c.name as string, c]));
    expect(byName.right!.failure).toBeUndefined();
    expect(byName.right!['system-out']).toBe('Canberra <&> "quoted"');
    // Each failed check is its own <failure>, with the check's name and reason.
    const failures = byName.wrong!.failure as { message: string; type: string }[];
    expect(failures.map((f) => f.type)).toEqual(['icontains', 'not_contains']);
    expect(failures[0]!.message).toBe('icontains "canberra": not found (ignoring case) in "Sydney."');
    expect(byName.broken!.error).toMatchObject({ type: 'bad_request' });
    const gates = suites[2]!;
    expect(gates.testcase.map((c) => c.name)).toEqual(['min_pass_rate openai/gpt-4o-mini / default', 'min_pass_rate meta-llama/llama-3.1-8b-instruct / default', 'max_total_cost all']);
    expect(gates).toMatchObject({ tests: '3', failures: '2', errors: '0' });
    expect(doc.testsuites).toMatchObject({ tests: '9', failures: '4', errors: '2', skipped: '0' });
  });

  it('is streamed to the same bytes as the whole report rendered from rows in memory', async () => {
    const rows = (await readFile(ws.path('out/results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as JobResult);
    const summary = JSON.parse(await readFile(ws.path('out/summary.json'), 'utf8')) as RunSummary;
    expect(rows).toHaveLength(6);
    expect(xml).toBe(renderJunit({ summary, rows, gates: summary.gates }));
  });

  it('escapes what XML cannot hold raw, and still validates', async () => {
    const summary = summarize([row({ output_text: 'bell \u0007 and ]]> and \uD800 lone' })], { run_id: 'r', suite: 's<x>', started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:01.000Z', status: 'ok' });
    const text = renderJunit({ summary, rows: [row({ output_text: 'bell \u0007 and ]]> and \uD800 lone', model_label: 'a"b', task_id: 't&1' })] });
    expect(text).toContain('name="agent-lab s&lt;x&gt;"');
    expect(text).toContain('bell \uFFFD and ]]&gt; and \uFFFD lone');
    expect((await validate(text)).valid).toBe(true);
  });
});

describe('GITHUB_STEP_SUMMARY', () => {
  it('is appended to, keeping what earlier steps wrote', () => {
    expect(stepSummary.startsWith('## earlier step\n')).toBe(true);
    expect(stepSummary).toContain('### agent-lab: ci — ❌ gate failed (exit 3)');
  });

  it('has the summary table with pass rates and their intervals, the gates and the failed checks', () => {
    expect(stepSummary).toContain('| model | prompt | ok/n | pass | pass 95% CI | ttft p50 | latency p50 | latency p95 | tokens in/out | cost $ |');
    expect(stepSummary).toMatch(/\| openai\/gpt-4o-mini \| default \| 2\/3 \| 1\/2 50% \| 9\.5%–90\.5% \|/);
    expect(stepSummary).toContain('- ❌ `min_pass_rate` openai/gpt-4o-mini / default: pass rate 50% (1/2) < 90%');
    expect(stepSummary).toContain('- ✅ `max_total_cost` total cost $');
    expect(stepSummary).toContain('#### Failed checks (2)');
    expect(stepSummary).toMatch(/- `wrong` · openai\/gpt-4o-mini · default — icontains "canberra": not found/);
  });

  it('lists the first 20 failed rows and counts the rest', () => {
    const summary = summarize([row()], { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' });
    const failed = Array.from({ length: 20 }, (_, n) => ({ ...row({ task_id: `t${n}` }), checks: [{ name: 'x', pass: false, detail: 'no' }] }));
    const md = renderSummaryMarkdown({ summary, failed, failedTotal: 25 });
    expect(md).toContain('#### Failed checks (25)');
    expect(md.match(/^- `t\d+`/gm)).toHaveLength(20);
    expect(md).toContain('- … and 5 more (results.csv, column check_failures)');
  });

  it('escapes table cells', () => {
    const summary = summarize([row({ model_label: 'a|b', passed: true, checks: [{ name: 'x', pass: true, detail: '' }] })], { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' });
    expect(renderSummaryMarkdown({ summary })).toContain('| a\\|b | p |');
  });
});
