import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The JSON report lets .ci/run print a plain 'N passed, N failed' line.
    reporters: ['default', ['json', { outputFile: 'test-output/vitest.json' }]],
    // The WASM builds must exist (npm run build:wasm); test/global-setup.ts builds them when missing.
    globalSetup: ['test/global-setup.ts'],
  },
});
