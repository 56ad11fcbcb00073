import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on ephemeral ports; forks keep native
    // modules (better-sqlite3) and process-level signal tests isolated.
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
    // In CI a JSON report as well, from which .ci/run prints its plain closing line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/test-results.json' }]] : ['default'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
  },
});
