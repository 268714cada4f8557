import { defineConfig } from 'vitest/config'

// Unit tests sit beside the code (*.test.ts); integration tests with real peers, processes and the age CLI in test/.
export default defineConfig({
  test: {
    include: ['src-*/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'out', 'e2e'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Two cores: keep parallelism bounded so peer tests are not starved of CPU.
    maxWorkers: 2,
  },
})
