import { defineConfig } from 'vitest/config';
import CountReporter from './scripts/count-reporter.js';

// Tests that compare a clock with a tolerance (timeouts within ±10 %, client timings against the
// simulator's record, kill -9 moments, two signals 15 ms apart against a 100 ms window) run alone,
// after the rest: beside another test file on a 2-core machine they would measure the load as much
// as the code.
const TIMED = ['test/figures-timing-e2e.test.ts', 'test/faults-e2e.test.ts', 'test/client.test.ts', 'test/kill-resume.test.ts', 'test/ctrl-c-timeout.test.ts', 'test/reasoning.test.ts', 'test/no-stream-e2e.test.ts', 'test/html-responses-size.test.ts', 'test/goodput-e2e.test.ts', 'test/load-timed.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Fails the run at once when dist/ is older than src/: many tests spawn dist/cli.js.
    globalSetup: ['test/global-setup.ts'],
    // Its ESM imports a .json without `with { type: 'json' }`, which Node refuses: let vite load it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    reporters: ['default', new CountReporter()],
    projects: [
      {
        extends: true,
        // Tests start real loopback servers; two workers match the 2-core machines CI runs on.
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: TIMED, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'timed', include: TIMED, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
