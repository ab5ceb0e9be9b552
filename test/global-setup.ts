// vitest globalSetup: refuse to start on a stale build (test/helpers/cli.ts checks again at each spawn, for watch mode).
import { staleDist } from './helpers/dist.js';

export default function setup(): void {
  const stale = staleDist();
  if (!stale) return;
  // Thrown, vitest would bury it under "No test files found"; this is the one line to read.
  process.stderr.write(`\nagent-lab tests: ${stale}\n\n`);
  process.exit(1);
}
