// JUnit XML, the format every CI test report reads (Jenkins, GitLab, GitHub test-reporter
// actions). One <testsuite> per model × system prompt, one <testcase> per job: each failed check
// is a <failure>, a job that errored is an <error>, a skipped one <skipped/>. Gates come last as
// their own testsuite, so a failed gate shows in the CI report where the cause is. Pure.
import type { GateResult } from '../ci/gates.js';
import type { JobResult } from '../types/result.js';
import type { RunSummary } from '../types/summary.js';

export interface JunitInput {
  summary: RunSummary;
  rows: Iterable<JobResult>;
  gates?: readonly GateResult[];
}

interface Case {
  name: string;
  classname: string;
  time: number | null;
  body: string;
  failures: number;
  errors: number;
  skipped: number;
}

export function renderJunit({ summary, rows, gates = [] }: JunitInput): string {
  const suites = new Map<string, { name: string; cases: Case[] }>();
  for (const row of rows) {
    const key = `${row.model}\u0000${row.system_prompt_id}`;
    let suite = suites.get(key);
    if (!suite) suites.set(key, (suite = { name: `${row.model_label} / ${row.system_prompt_id}`, cases: [] }));
    suite.cases.push(jobCase(row));
  }
  const blocks = [...suites.values()].map((s) => suiteXml(s.name, s.cases, summary.started_at));
  if (gates.length) blocks.push(suiteXml('gates', gates.map(gateCase), summary.finished_at));
  const all = [...suites.values()].flatMap((s) => s.cases).concat(gates.map(gateCase));
  const head = attrs({
    name: `agent-lab ${summary.suite}`,
    tests: all.length,
    failures: count(all, 'failures'),
    errors: count(all, 'errors'),
    skipped: count(all, 'skipped'),
    time: seconds(elapsed(summary)),
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n${blocks.join('')}</testsuites>\n`;
}

function jobCase(row: JobResult): Case {
  const name = `${row.task_id}${row.repeat ? ` #${row.repeat}` : ''}`;
  const base = { name, classname: `${row.model_label}.${row.system_prompt_id}`, time: row.latency_ms, failures: 0, errors: 0, skipped: 0 };
  if (row.status === 'skipped') return { ...base, skipped: 1, body: `      <skipped${attrs({ message: row.error_message ?? 'not run' })}/>\n` };
  if (row.status === 'error') {
    const message = `${row.error_kind}: ${row.error_message ?? ''}`;
    const detail = `job ${row.job_id}, ${row.attempts} attempt(s)${row.http_status ? `, HTTP ${row.http_status}` : ''}`;
    return { ...base, errors: 1, body: `      <error${attrs({ message, type: row.error_kind ?? 'error' })}>${text(detail)}</error>\n` };
  }
  const failed = row.checks.filter((c) => !c.pass);
  const failures = failed.map((c) => `      <failure${attrs({ message: `${c.name}: ${c.detail}`, type: c.name.split(' ')[0]! })}>${text(c.detail)}</failure>\n`);
  const out = row.output_text ? `      <system-out>${text(row.output_text)}</system-out>\n` : '';
  return { ...base, failures: failed.length ? 1 : 0, body: failures.join('') + out };
}

function gateCase(g: GateResult): Case {
  const base = { name: `${g.gate} ${g.scope}`, classname: 'gates', time: null, failures: 0, errors: 0, skipped: 0 };
  if (g.status === 'fail') return { ...base, failures: 1, body: `      <failure${attrs({ message: g.message, type: g.gate })}/>\n` };
  if (g.status === 'unknown') return { ...base, errors: 1, body: `      <error${attrs({ message: g.message, type: 'unknown' })}/>\n` };
  return { ...base, body: '' };
}

function suiteXml(name: string, cases: Case[], timestamp: string): string {
  const head = attrs({
    name,
    tests: cases.length,
    failures: count(cases, 'failures'),
    errors: count(cases, 'errors'),
    skipped: count(cases, 'skipped'),
    time: seconds(cases.reduce((a, c) => a + (c.time ?? 0), 0)),
    timestamp: timestamp.replace(/\.\d+Z$/, '').replace(/Z$/, ''),
  });
  const body = cases
    .map((c) => {
      const a = attrs({ name: c.name, classname: c.classname, ...(c.time === null ? {} : { time: seconds(c.time) }) });
      return c.body ? `    <testcase${a}>\n${c.body}    </testcase>\n` : `    <testcase${a}/>\n`;
    })
    .join('');
  return `  <testsuite${head}>\n${body}  </testsuite>\n`;
}

/** A test case counts once as failed however many of its checks failed (what CI counts). */
const count = (cases: Case[], key: 'failures' | 'errors' | 'skipped') => cases.reduce((a, c) => a + c[key], 0);
const seconds = (ms: number) => (ms / 1000).toFixed(3);
const elapsed = (s: RunSummary) => Math.max(0, Date.parse(s.finished_at) - Date.parse(s.started_at)) || 0;

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escape(String(v)).replace(/"/g, '&quot;').replace(/\n/g, '&#10;')}"`)
    .join('');
}

const text = (value: string) => escape(value);

/** XML-escape, and drop what XML 1.0 cannot carry at all (control characters, lone surrogates). */
function escape(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
