// The programmatic API: what cli.ts and the tests call.
export { runSuite, type RunOptions, type RunReport } from './run.js';
export { processEnv, memoryEnv, type Env } from './env.js';
export { EXIT, AgentLabError, ConfigError } from './errors.js';
export { mergeRuns, type MergeOptions, type MergeReport } from './commands/merge.js';
export { evaluateGates, exitCodeFor, type Gates } from './gates.js';
export { evaluateChecks } from './checks/evaluate.js';
export type * from './types.js';
