import { defineConfig } from 'vitest/config'

// Unit tests sit beside the code (*.test.ts); integration tests with real peers, processes and the age CLI in test/.
export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) without an exports map: Node (and graphql-yoga, loaded by Node)
    // takes the CJS file, Vite would take the ESM one, and two graphql instances refuse each other's schemas.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['src-*/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'out', 'e2e'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // Two cores: keep parallelism bounded so peer tests are not starved of CPU.
    maxWorkers: 2,
    // In CI a test with real peers that fails is run once more: a starved 2-core runner can delay a heartbeat past a
    // deadline. Never hidden: `npm test` lists every test that passed only on its retry, with the first failure.
    retry: process.env.CI === 'true' ? 1 : 0,
  },
})
