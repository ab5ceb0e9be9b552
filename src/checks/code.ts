// Custom code checks: the user's own function of the row. A `script` is a JavaScript file whose
// `export default` (or `module.exports`) function gets the row and returns { pass, score?,
// reason }; it runs in a node:vm context that has no require, process, fs or network, under a
// time limit. A `command` is any program, run in the suite's folder with the row as JSON on
// stdin, printing the same object as JSON. A crash, a timeout or a reply of another shape is an
// `error` verdict — the one a failed judge gives — never a pass or a fail.
import { spawnSync } from 'node:child_process';
import { createContext, Script } from 'node:vm';
import type { CheckSpec } from '../types/job.js';
import type { CheckResult, JobResult } from '../types/result.js';

export const SCRIPT_TIMEOUT_MS = 1000;
export const COMMAND_TIMEOUT_MS = 10_000;

type CodeSpec = Extract<CheckSpec, { kind: 'script' | 'command' }>;
type Verdict = Omit<CheckResult, 'name'>;

/** Compiled once per script text: every row of a task shares it. */
const compiled = new Map<string, Script | Error>();

export function runCodeCheck(spec: CodeSpec, row: JobResult): Verdict {
  try {
    return verdictOf(spec.kind === 'script' ? runScript(spec.file, spec.source, row) : runCommand(spec.argv, spec.cwd, row));
  } catch (error) {
    // An error thrown inside the vm context is of its own realm: not an `instanceof Error` here.
    const message = (error as { message?: unknown } | null)?.message;
    return error$(typeof message === 'string' ? message : String(error));
  }
}

function runScript(file: string, source: string, row: JobResult): unknown {
  let script = compiled.get(source);
  if (!script) {
    // `export default` becomes an assignment: the file stays a plain module for an editor, and a
    // vm Script needs no --experimental-vm-modules.
    const body = source.replace(/\bexport\s+default\s+/, 'module.exports = ');
    try {
      script = new Script(`(function (module, exports) {${body}\n})`, { filename: file });
    } catch (error) {
      script = error as Error;
    }
    compiled.set(source, script);
  }
  if (script instanceof Error) throw new Error(`${file} does not compile: ${script.message}`);
  // A fresh context per row: one row's check cannot leave state for the next.
  const context = createContext({ row: JSON.parse(JSON.stringify(row)) as unknown }, { codeGeneration: { strings: false, wasm: false } });
  const define = script.runInContext(context, { timeout: SCRIPT_TIMEOUT_MS }) as (module: { exports: unknown }, exports: unknown) => void;
  const module = { exports: {} as unknown };
  context.__define = define;
  context.__module = module;
  new Script('__define(__module, __module.exports)').runInContext(context, { timeout: SCRIPT_TIMEOUT_MS });
  const fn = typeof module.exports === 'function' ? module.exports : (module.exports as { default?: unknown }).default;
  if (typeof fn !== 'function') throw new Error(`${file} exports no function (write \`export default function (row) { … }\`)`);
  context.__fn = fn;
  const result = new Script('__fn(row)').runInContext(context, { timeout: SCRIPT_TIMEOUT_MS }) as unknown;
  if (result instanceof Promise || (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function')) {
    throw new Error(`${file} returned a promise: a check script runs synchronously (no I/O to wait for)`);
  }
  return result;
}

function runCommand(argv: string[], cwd: string, row: JobResult): unknown {
  const [program, ...args] = argv;
  const done = spawnSync(program!, args, { cwd, input: JSON.stringify(row), encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, maxBuffer: 1 << 20, killSignal: 'SIGKILL' });
  const name = argv.join(' ');
  if (done.error) {
    const code = (done.error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ETIMEDOUT' ? `${name} timed out after ${COMMAND_TIMEOUT_MS} ms` : `${name} could not run: ${done.error.message}`);
  }
  if (done.status !== 0) throw new Error(`${name} exited ${done.status ?? done.signal}${done.stderr.trim() ? `: ${done.stderr.trim().slice(0, 200)}` : ''}`);
  try {
    return JSON.parse(done.stdout) as unknown;
  } catch {
    throw new Error(`${name} printed no JSON object: ${JSON.stringify(done.stdout.slice(0, 80))}`);
  }
}

function verdictOf(result: unknown): Verdict {
  if (typeof result !== 'object' || result === null) return error$(`the check returned ${JSON.stringify(result) ?? String(result)}, not { pass, score?, reason }`);
  const { pass, score, reason } = result as { pass?: unknown; score?: unknown; reason?: unknown };
  if (typeof pass !== 'boolean') return error$(`the check's \`pass\` is ${JSON.stringify(pass) ?? 'missing'}, not true or false`);
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score))) return error$(`the check's \`score\` is ${JSON.stringify(score)}, not a number`);
  const why = typeof reason === 'string' ? reason : '';
  return { pass, verdict: pass ? 'pass' : 'fail', detail: why || (pass ? 'passed' : 'failed'), reason: why, ...(score !== undefined ? { score } : {}) };
}

const error$ = (why: string): Verdict => ({ pass: false, verdict: 'error', detail: `code check error: ${why}`, reason: why, score: null });
