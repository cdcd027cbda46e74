import { defineConfig } from 'vitest/config';

/**
 * Test tiers. `npm test` runs all of them; each tier can run alone with `--project <name>`.
 * - unit: pure logic, no processes or sockets.
 * - integration: real DynamoDB Local, the local Step Functions engine and HTTP, started per file
 *   on free ports with a temporary data folder.
 * - infra: CDK synthesis and assertions, cdk-nag.
 * - e2e: the whole twin plus headless Chromium.
 */
export default defineConfig({
  test: {
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
