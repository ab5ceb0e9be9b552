// The programmatic API: what cli.ts and the tests call.
export { runSuite, type RunOptions, type RunReport } from './run.js';
export { processEnv, memoryEnv, type Env } from './env.js';
export { EXIT, AgentLabError, ConfigError } from './errors.js';
export type * from './types.js';
