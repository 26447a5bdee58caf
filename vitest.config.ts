import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default leaves one core free, which on the 2-core CI machine means one test file at a time; the
    // suite's integration tests spend much of their time waiting on sockets and child processes, so use every core.
    maxWorkers: '100%',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Prototype pollution must fail loudly (reliability-security §3.4).
    execArgv: ['--disable-proto=throw'],
  },
});
