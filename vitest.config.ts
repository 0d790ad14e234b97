import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The WASM builds must exist (npm run build:wasm); test/global-setup.ts builds them when missing.
    globalSetup: ['test/global-setup.ts'],
  },
});
