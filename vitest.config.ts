import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Prototype pollution must fail loudly (reliability-security §3.4).
    execArgv: ['--disable-proto=throw'],
  },
});
