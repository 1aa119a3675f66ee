import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // PGlite instances are memory-hungry; two files at a time fits the 2-core machines.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
})
