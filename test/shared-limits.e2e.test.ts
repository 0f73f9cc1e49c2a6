import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { SharedLimits } from "@lyceum/nats"
import { Effect, Exit, Scope } from "effect"
import { connect } from "nats"
import { describe, expect, it } from "vitest"
import { makeFakeOpenAi } from "../packages/models/test/support/FakeOpenAi.js"
import { processesOnNats } from "./support/WorkerProcesses.js"

const nats = processesOnNats("lyceum-shared-limits-e2e-", { jetstream: true })

/**
 * Two `lyceum worker` processes host teachers that call one OpenAI-compatible endpoint: each process publishes its
 * own adaptive limit for that endpoint to the NATS KV bucket the others read (issue 13's limiter shared across
 * workers). Watched from outside, the bucket must hear from both workers about the same endpoint.
 */
describe("adaptive concurrency shared across lyceum worker processes", () => {
  it("each worker using the endpoint publishes its limit under the endpoint's key", async () => {
    const scope = Effect.runSync(Scope.make())
    try {
      const fake = await Effect.runPromise(
        makeFakeOpenAi({ defaultReply: { kind: "ok", delayMs: 20 } }).pipe(Scope.extend(scope)),
      )
      const prefix = SharedLimits.endpointToken(fake.baseURL)
      const watcher = await connect({ servers: nats.url })
      const kv = await watcher.jetstream().views.kv(SharedLimits.LIMITS_BUCKET, { history: 1, ttl: 60_000 })
      const publishers = new Set<string>()
      const entries = await kv.watch({ key: `${prefix}.*` })
      void (async () => {
        for await (const entry of entries)
          if (entry.operation === "PUT") publishers.add(entry.key.slice(prefix.length + 1))
      })()
      const workers = await Promise.all([nats.startWorker("lw1"), nats.startWorker("lw2")])
      const scenario = join(nats.dir, "remote-teachers.yaml")
      writeFileSync(
        scenario,
        `name: remote-teachers
seed: 2
rounds: [1, 2]
models:
  remote: { provider: openai, baseURL: '${fake.baseURL}', model: m, score: none, maxConcurrency: 4 }
  sim: { provider: sim }
tasks: [{ kind: spam, testSize: 4 }]
teachers: { count: 2, model: remote, dataSize: 8 }
students: { count: 1, model: sim }
methods: [{ strategy: instruction }]
`,
      )
      const result = await nats.run(
        scenario,
        join(nats.dir, "remote.db"),
        "--nats",
        nats.url,
        "--workers",
        "lw1,lw2",
      )
      expect(result.status).toBe(0)
      expect(fake.count("chat")).toBeGreaterThan(0)
      // Both workers hosted a teacher on the endpoint, so both published (the coordinator may too): a process's
      // key token is host-pid-random.
      for (const { child } of workers)
        expect([...publishers].some((token) => token.includes(`-${child.pid}-`))).toBe(true)
      entries.stop()
      await watcher.close()
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }, 90_000)
})
