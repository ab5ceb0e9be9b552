import { defineConfig } from 'vitest/config';
import CountReporter from './scripts/count-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Tests start real loopback servers; two workers match the 2-core machines CI runs on.
    maxWorkers: 2,
    reporters: ['default', new CountReporter()],
  },
});
