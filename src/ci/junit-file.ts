// --junit FILE, streamed: a testsuite's head precedes its cases, so rows are counted, then read back by offset.
import type { JobResult } from '../types/result.js';
import type { GateResult, RunSummary } from '../types/summary.js';
import { junitCase, junitClose, junitOpen, junitSuiteOpen, JUNIT_SUITE_CLOSE, type JunitSuite } from '../render/junit.js';
import { openJsonlAt } from '../store/jsonl.js';
import { writeAtomicStream } from '../store/write.js';

/** `suites` come from junitGroups fed with each row's offset in `results` (as jsonlLines gives it). */
export async function writeJunitFile(file: string, results: string, suites: readonly JunitSuite<number>[], summary: RunSummary, gates: readonly GateResult[]): Promise<void> {
  const rows = suites.some((s) => s.refs.length) ? openJsonlAt<JobResult>(results) : null;
  try {
    await writeAtomicStream(file, pieces());
  } finally {
    rows?.close();
  }
  function* pieces(): Generator<string> {
    yield junitOpen(summary, suites, gates);
    for (const suite of suites) {
      yield junitSuiteOpen(suite, summary);
      for (const offset of suite.refs) yield junitCase(rows!.read(offset));
      yield JUNIT_SUITE_CLOSE;
    }
    yield junitClose(summary, gates);
  }
}
