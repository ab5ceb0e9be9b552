// Pure: the tool-call checks. A call's arguments are JSON text as the model streamed them; a
// check that needs them parses them, and an unparsable one fails with the parse error (a model
// that emits broken arguments did not make a usable call).
import { isDeepStrictEqual } from 'node:util';
import type { CheckSpec } from '../types/job.js';
import type { CheckResult, JobResult } from '../types/result.js';
import { compileJsonSchema, describeErrors } from './json-schema.js';

type ToolSpec = Extract<CheckSpec, { kind: 'tool_called' | 'no_tool_call' | 'tool_args_equal' }>;
type Verdict = Omit<CheckResult, 'name'>;

export function toolVerdict(spec: ToolSpec, row: Partial<Pick<JobResult, 'tool_calls'>>): Verdict {
  const calls = row.tool_calls ?? [];
  const names = calls.map((c) => c.name ?? '?').join(', ');
  if (spec.kind === 'no_tool_call') return calls.length === 0 ? ok('no tool call') : fail(`called ${names}`);
  const mine = calls.filter((c) => c.name === spec.name);
  if (mine.length === 0) return fail(calls.length ? `${spec.name} not called (called ${names})` : `${spec.name} not called (no tool call)`);
  const problems: string[] = [];
  // Any call of the function that meets the check is enough: a model may call it twice.
  for (const call of mine) {
    let args: unknown;
    try {
      args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch (error) {
      problems.push(`arguments are not JSON: ${(error as Error).message}`);
      continue;
    }
    if (spec.kind === 'tool_called') {
      if (!spec.schema) return ok(`${spec.name} called`);
      const compiled = compileJsonSchema(spec.schema);
      if (!compiled.ok) return fail(`the schema does not compile: ${compiled.problem}`);
      if (compiled.validate(args)) return ok(`${spec.name} called, arguments match the schema`);
      problems.push(describeErrors(compiled.validate.errors));
    } else {
      if (isDeepStrictEqual(args, spec.arguments)) return ok(`${spec.name} called with the expected arguments`);
      problems.push(`got ${clip(JSON.stringify(args))}`);
    }
  }
  return fail(`${spec.name}: ${problems.join('; ')}`);
}

const ok = (detail: string): Verdict => ({ pass: true, detail });
const fail = (detail: string): Verdict => ({ pass: false, detail });
const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
