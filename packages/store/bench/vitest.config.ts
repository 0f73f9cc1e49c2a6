import { defineConfig } from "vitest/config"

/** `pnpm bench`: measurements, kept out of `vitest run`. */
export default defineConfig({
  test: { include: ["bench/**/*.measure.ts"], testTimeout: 120_000 },
})
