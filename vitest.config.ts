import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Store and end-to-end tests start dynalite and local HTTP servers; two cores, two workers.
    pool: 'forks',
    maxWorkers: 2,
  },
});
