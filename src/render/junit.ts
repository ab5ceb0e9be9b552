// JUnit XML, the format every CI test report reads (Jenkins, GitLab, GitHub test-reporter
// actions). One <testsuite> per model × system prompt, one <testcase> per job: each failed check
// is a <failure>, a job that errored is an <error>, a skipped one <skipped/>. Gates come last as
// their own testsuite, so a failed gate shows in the CI report where the cause is. Pure.
import type { JobResult } from '../types/result.js';
import { groupId, type GateResult, type RunSummary } from '../types/summary.js';

export interface JunitInput {
  summary: RunSummary;
  rows: Iterable<JobResult>;
  gates?: readonly GateResult[];
}

/** What a <testsuite> or <testsuites> head counts. */
export interface JunitCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  /** Sum of the cases' times, ms. */
  time: number;
}

/** One <testsuite> of jobs; `refs` get its rows back (the rows themselves, or offsets in results.jsonl). */
export interface JunitSuite<R> {
  name: string;
  counts: JunitCounts;
  refs: R[];
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

/** The whole report from rows in memory: the pieces below, in order. */
export function renderJunit({ summary, rows, gates = [] }: JunitInput): string {
  const groups = junitGroups<JobResult>();
  for (const row of rows) groups.add(row, row);
  const suites = groups.list();
  const blocks = suites.map((s) => junitSuiteOpen(s, summary) + s.refs.map(junitCase).join('') + JUNIT_SUITE_CLOSE);
  return junitOpen(summary, suites, gates) + blocks.join('') + junitClose(summary, gates);
}

/**
 * Groups rows into one testsuite per model × system prompt, in order of first appearance, and
 * counts them, so a streaming writer can print each suite's head before its cases.
 */
export function junitGroups<R>(): { add(row: JobResult, ref: R): void; list(): JunitSuite<R>[] } {
  const suites = new Map<string, JunitSuite<R>>();
  return {
    add(row, ref) {
      const key = groupId(row);
      let suite = suites.get(key);
      if (!suite) suites.set(key, (suite = { name: `${row.model_label} / ${row.system_prompt_id}`, counts: noCases(), refs: [] }));
      addCase(suite.counts, tally(row));
      suite.refs.push(ref);
    },
    list: () => [...suites.values()],
  };
}

/** The XML declaration and the <testsuites> head, with the totals of every suite and gate. */
export function junitOpen(summary: RunSummary, suites: readonly Pick<JunitSuite<unknown>, 'counts'>[], gates: readonly GateResult[] = []): string {
  const all = noCases();
  for (const s of suites) for (const key of ['tests', 'failures', 'errors', 'skipped'] as const) all[key] += s.counts[key];
  for (const g of gates) addCase(all, gateCase(g));
  const head = attrs({ name: `agent-lab ${summary.suite}`, tests: all.tests, failures: all.failures, errors: all.errors, skipped: all.skipped, time: seconds(elapsed(summary)) });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n`;
}

export function junitSuiteOpen(suite: Pick<JunitSuite<unknown>, 'name' | 'counts'>, summary: RunSummary): string {
  return suiteOpen(suite.name, suite.counts, summary.started_at);
}

/** One job's <testcase>. */
export function junitCase(row: JobResult): string {
  return caseXml(caseOf(row));
}

export const JUNIT_SUITE_CLOSE = '  </testsuite>\n';

/** The gates' testsuite (when there are gates) and the end of the document. */
export function junitClose(summary: RunSummary, gates: readonly GateResult[] = []): string {
  if (!gates.length) return '</testsuites>\n';
  const cases = gates.map(gateCase);
  const counts = noCases();
  for (const c of cases) addCase(counts, c);
  return `${suiteOpen('gates', counts, summary.finished_at)}${cases.map(caseXml).join('')}${JUNIT_SUITE_CLOSE}</testsuites>\n`;
}

const noCases = (): JunitCounts => ({ tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 });

function addCase(counts: JunitCounts, c: Tally): void {
  counts.tests++;
  counts.failures += c.failures;
  counts.errors += c.errors;
  counts.skipped += c.skipped;
  counts.time += c.time ?? 0;
}

type Tally = Pick<Case, 'time' | 'failures' | 'errors' | 'skipped'>;

/** A job's counts without its XML. A test case counts once as failed however many of its checks failed (what CI counts). */
function tally(row: JobResult): Tally {
  const failed = row.status === 'ok' && row.checks.some((c) => !c.pass);
  return { time: row.latency_ms, failures: failed ? 1 : 0, errors: row.status === 'error' ? 1 : 0, skipped: row.status === 'skipped' ? 1 : 0 };
}

function caseOf(row: JobResult): Case {
  const name = `${row.task_id}${row.repeat ? ` #${row.repeat}` : ''}`;
  const base = { name, classname: `${row.model_label}.${row.system_prompt_id}`, ...tally(row) };
  if (row.status === 'skipped') return { ...base, body: `      <skipped${attrs({ message: row.error_message ?? 'not run' })}/>\n` };
  if (row.status === 'error') {
    const message = `${row.error_kind}: ${row.error_message ?? ''}`;
    const detail = `job ${row.job_id}, ${row.attempts} attempt(s)${row.http_status ? `, HTTP ${row.http_status}` : ''}`;
    return { ...base, body: `      <error${attrs({ message, type: row.error_kind ?? 'error' })}>${text(detail)}</error>\n` };
  }
  const failed = row.checks.filter((c) => !c.pass);
  const failures = failed.map((c) => `      <failure${attrs({ message: `${c.name}: ${c.detail}`, type: c.name.split(' ')[0]! })}>${text(c.detail)}</failure>\n`);
  const out = row.output_text ? `      <system-out>${text(row.output_text)}</system-out>\n` : '';
  return { ...base, body: failures.join('') + out };
}

function gateCase(g: GateResult): Case {
  const base = { name: `${g.gate} ${g.scope}`, classname: 'gates', time: null, failures: 0, errors: 0, skipped: 0 };
  if (g.status === 'fail') return { ...base, failures: 1, body: `      <failure${attrs({ message: g.message, type: g.gate })}/>\n` };
  if (g.status === 'unknown') return { ...base, errors: 1, body: `      <error${attrs({ message: g.message, type: 'unknown' })}/>\n` };
  return { ...base, body: '' };
}

function suiteOpen(name: string, counts: JunitCounts, timestamp: string): string {
  const head = attrs({
    name,
    tests: counts.tests,
    failures: counts.failures,
    errors: counts.errors,
    skipped: counts.skipped,
    time: seconds(counts.time),
    timestamp: timestamp.replace(/\.\d+Z$/, '').replace(/Z$/, ''),
  });
  return `  <testsuite${head}>\n`;
}

function caseXml(c: Case): string {
  const a = attrs({ name: c.name, classname: c.classname, ...(c.time === null ? {} : { time: seconds(c.time) }) });
  return c.body ? `    <testcase${a}>\n${c.body}    </testcase>\n` : `    <testcase${a}/>\n`;
}

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
