import { defineConfig } from "vitest/config"

/**
 * `pnpm bench`: every benchmark, one file at a time (so they don't compete for the 2 cores), then
 * bench-results.json at the repository root (see BenchResults.ts).
 */
export default defineConfig({
  test: {
    include: ["bench/**/*.bench.ts"],
    globalSetup: ["bench/BenchResults.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
  },
})
