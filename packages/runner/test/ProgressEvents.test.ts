import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseScenario } from "@lyceum/kinds"
import { Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { Progress, type ProgressEvent } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-progress-events-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// A priced sim model behind a response cache: the second run of the same scenario is answered from it.
const text = `
name: priced
seed: 5
rounds: [2]
models:
  sim: { provider: sim, prices: { promptPerMTok: 2, completionPerMTok: 8 } }
cache: { path: ${JSON.stringify(join(dir, "responses.db"))} }
tasks: [{ kind: spam, testSize: 20 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`

/** Plays the scenario into `db`, keeping its progress events. */
const play = async (db: string) => {
  const events: Array<ProgressEvent> = []
  const result = await Effect.runPromise(
    runScenario({
      loaded: Either.getOrThrow(parseScenario(join(dir, "priced.yaml"), text)),
      versions: { lyceum: "test", node: process.version },
    }).pipe(
      Effect.provide([
        Store.layer({ filename: db }),
        Layer.succeed(Progress, { report: (event) => Effect.sync(() => void events.push(event)) }),
      ]),
    ),
  )
  const [stored] = await Effect.runPromise(
    Effect.flatMap(Store, (store) =>
      store.query("SELECT SUM(cost_usd) AS cost, SUM(calls) AS calls FROM model_usage WHERE run_id = ?", [
        result.runId,
      ]),
    ).pipe(Effect.provide(Store.layer({ filename: db }))),
  )
  const steps = events.filter((e) => e._tag === "RoundFinished")
  return { last: steps[steps.length - 1]!, stored: stored as { cost: number; calls: number } }
}

describe("the progress of a step", () => {
  it("carries the run's cost so far and its cache hits", async () => {
    const first = await play(join(dir, "first.db"))
    expect(first.last.costUsd).toBeGreaterThan(0)
    expect(first.last.costUsd).toBeCloseTo(first.stored.cost, 12)
    expect(first.last.modelCalls).toBe(first.stored.calls)
    expect(first.last.cacheHits).toBe(0)
    // The same requests again: answered from the cache, no call and no cost.
    const second = await play(join(dir, "second.db"))
    expect(second.last.cacheHits).toBe(first.stored.calls)
    expect(second.last.modelCalls).toBe(0)
    expect(second.last.costUsd).toBe(0)
  })
})
