#!/usr/bin/env node
// The command line: commander → command → exit code. The only file that reads process.argv or
// sets process.exitCode. Each command is a file in cli/ that imports its feature lazily, so
// `--version` and `--help` start instantly.
import { Command, CommanderError } from '@commander-js/extra-typings';
import { addCompare } from './cli/compare.js';
import { addHistory } from './cli/history.js';
import { addMerge } from './cli/merge.js';
import { addMockServer } from './cli/mock-server.js';
import { addModels } from './cli/models.js';
import { addPlan } from './cli/plan.js';
import { addReport } from './cli/report.js';
import { addResume } from './cli/resume.js';
import { addRun } from './cli/run.js';
import { EXIT, isAgentLabError } from './errors.js';
import { redactor } from './redact.js';
import { VERSION } from './version.js';

const program = new Command('agent-lab')
  .description('Benchmark LLMs through OpenRouter or any OpenAI-compatible endpoint: TTFT, latency, tokens/s, native tokens and cost.')
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  // Usage errors exit 2 (like config errors), not commander's default 1, which means "jobs failed".
  .exitOverride();

const exit = (code: number) => void (process.exitCode = code);
for (const add of [addRun, addPlan, addModels, addResume, addMerge, addCompare, addHistory, addReport, addMockServer]) add(program, exit);

/** Values of secret-looking environment variables, so no error message can print them. */
const redact = redactor(Object.entries(process.env).filter(([name]) => /KEY|TOKEN|SECRET|PASSWORD/i.test(name)).map(([, value]) => value));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // commander has printed its message (or the help/version) already.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.config;
  } else if (isAgentLabError(error)) {
    process.stderr.write(`agent-lab: ${redact(error.message)}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`agent-lab: internal error (a bug; please report it):\n${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exitCode = EXIT.internal;
  }
});
