import { defineConfig } from "vitest/config"

// The red-team suite measures recall over thousands of generated lessons; a test takes a few seconds.
export default defineConfig({ test: { testTimeout: 60_000 } })
