import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Quiet Powertools and the SDK's Node-version notice; a test that reads logs captures them itself.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Store and end-to-end tests start dynalite and local HTTP servers; two cores, two workers.
    pool: 'forks',
    maxWorkers: 2,
  },
});
