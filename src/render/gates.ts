// The gate verdicts printed after the summary table. Pure: returns a string.
import type { GateResult, GateStatus } from '../types/summary.js';

const WORD = { pass: 'pass', fail: 'FAIL', unknown: 'unknown' } as const satisfies Record<GateStatus, string>;

export function renderGates(gates: readonly GateResult[]): string {
  if (gates.length === 0) return '';
  const failed = gates.filter((g) => g.status === 'fail').length;
  const unknown = gates.filter((g) => g.status === 'unknown').length;
  const head = failed ? `gates: ${failed} of ${gates.length} failed` : unknown ? `gates: ${unknown} of ${gates.length} could not be measured` : `gates: all ${gates.length} passed`;
  const width = Math.max(...gates.map((g) => g.gate.length));
  const lines = gates.map((g) => `  ${WORD[g.status].padEnd(7)}  ${g.gate.padEnd(width)}  ${g.message}`);
  return `${head}\n${lines.join('\n')}\n`;
}
