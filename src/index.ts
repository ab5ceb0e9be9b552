// The programmatic API: what the CLI (cli/main.ts) and the tests call.
export { planSuite, runSuite, type PlanOptions, type PlanReport, type RunOptions, type RunReport } from './run/index.js';
export { processEnv, memoryEnv, type Env } from './env.js';
export { EXIT, AgentLabError, ConfigError } from './errors.js';
export { mergeRuns, type MergeOptions, type MergeReport } from './ci/merge.js';
export { evaluateGates, exitCodeFor, type Gates } from './ci/gates.js';
export { evaluateChecks } from './checks/evaluate.js';
export type * from './types/job.js';
export type * from './types/result.js';
export type * from './types/summary.js';
export type * from './provider/wire.js';
