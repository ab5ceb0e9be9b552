// The closed set of errors that end a command, and their exit codes. Job failures are rows, never thrown.

export const EXIT = {
  /** Every job finished ok. */
  ok: 0,
  /** The run finished but some jobs failed (API or infrastructure), a gate could not be measured, a merge has gaps, or `history --export` could not deliver. */
  jobs_failed: 1,
  /** Usage, config or suite error: nothing was sent. */
  config: 2,
  /** A quality, cost or latency gate failed on measured values; wins over 1 (see gates.ts exitCodeFor). */
  gate: 3,
  /** The cost cap stopped the run; the remaining jobs were skipped. */
  budget: 4,
  /** Internal error (a bug): the stack is printed. */
  internal: 70,
  /** Interrupted (SIGINT); partial results were flushed. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Issue {
  file: string;
  /** 1-based; null when the problem has no single place (e.g. an empty file). */
  line: number | null;
  column: number | null;
  /** Dotted field path, e.g. `tasks.2.prompt`; '' for the whole document. */
  path: string;
  message: string;
  hint?: string;
}

export function formatIssue(issue: Issue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  const field = issue.path ? ` ${issue.path}:` : '';
  const hint = issue.hint ? ` (${issue.hint})` : '';
  return `${where}${field} ${issue.message}${hint}`;
}

/** An expected error: printed as one message that says what to do, no stack. */
export class AgentLabError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.name = 'AgentLabError';
    this.exitCode = exitCode;
  }
}

export class ConfigError extends AgentLabError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = []) {
    super(issues.length ? `${message}\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}` : message, EXIT.config);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function isAgentLabError(error: unknown): error is AgentLabError {
  return error instanceof AgentLabError;
}
