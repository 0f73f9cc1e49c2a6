import { defineConfig } from "vitest/config"

// Two files at a time: most e2e time is spent waiting on child processes, servers and timeouts (ack waits,
// heartbeats), not on this process's CPU, and one at a time (vitest's default on 2 cores) took over 8 minutes.
export default defineConfig({ test: { testTimeout: 180_000, hookTimeout: 60_000, maxWorkers: 2, minWorkers: 1 } })
