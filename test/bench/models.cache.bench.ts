import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type GenerateRequest, makeSimModel } from "@lyceum/models"
import Database from "better-sqlite3"
import { Effect } from "effect"
import { expect, test } from "vitest"
import { cached } from "../../packages/models/src/cache/CachedModel.js"
// Not (yet) exported from @lyceum/models' index, so imported from the source.
import { generateKey, type ModelIdentity } from "../../packages/models/src/cache/CacheKey.js"
import { ResponseCache } from "../../packages/models/src/cache/ResponseCache.js"
import { median, recordBenchmark } from "./BenchResults.js"

/*
 * models.cache.hit: generate requests answered from the response cache per second — a `cached` model in replay
 * mode, so a miss would fail the benchmark rather than call the model — against raw better-sqlite3 point
 * lookups of the same keys in the same file (the prepared SELECT the cache runs, nothing else). Ours also
 * hashes each prompt and its parameters into the key, parses the stored JSON and runs as an Effect: that is the
 * overhead the ratio shows. ENTRIES stored answers with ~600-character prompts, each looked up PASSES times,
 * median of TRIALS.
 */

const ENTRIES = 5_000
const PASSES = 4
const TRIALS = 5

const identity: ModelIdentity = {
  provider: "openai",
  model: "bench-model",
  endpoint: "http://127.0.0.1:1/v1",
}
const context = "Message: win a free prize now, reply to claim your reward today. Class: spam\n".repeat(8)
const requests: ReadonlyArray<GenerateRequest> = Array.from({ length: ENTRIES }, (_, i) => ({
  prompt: `${context}Message: example number ${i} of the benchmark. Class:`,
  temperature: 0.7,
  maxTokens: 16,
  stop: ["\n"],
  seed: i,
}))
const response = (i: number) =>
  JSON.stringify({ texts: [` spam ${i}`], usage: { promptTokens: 150, completionTokens: 2 } })

test(`response cache: ${ENTRIES * PASSES} hits vs raw better-sqlite3 point lookups`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lyceum-cache-bench-"))
  const path = join(dir, "responses.db")
  try {
    const { ours, raw } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const cache = yield* ResponseCache.make({ path })
          const keys = requests.map((request) => generateKey(identity, request, 0))
          for (const [i, request] of keys.entries()) {
            yield* cache.store({ identity, request, occurrence: 0, response: response(i) })
          }
          const model = cached(makeSimModel({ name: "bench", seed: 1 }), cache, {
            ...identity,
            mode: "replay",
          })
          const db = new Database(path, { readonly: true })
          yield* Effect.addFinalizer(() => Effect.sync(() => db.close()))
          const select = db.prepare("SELECT response FROM responses WHERE key = ? AND occurrence = ?").pluck()
          const keyStrings = keys.map((key) => key.key)

          const timeOurs = Effect.gen(function* () {
            const start = performance.now()
            for (let pass = 0; pass < PASSES; pass++) {
              for (const request of requests) yield* model.generate(request)
            }
            return performance.now() - start
          })
          const timeRaw = Effect.sync(() => {
            const start = performance.now()
            let found = 0
            for (let pass = 0; pass < PASSES; pass++) {
              for (const key of keyStrings) if (select.get(key, 0) !== undefined) found++
            }
            const ms = performance.now() - start
            expect(found).toBe(ENTRIES * PASSES)
            return ms
          })
          expect((yield* model.generate(requests[7]!)).texts).toEqual([" spam 7"])
          const ours: Array<number> = []
          const raw: Array<number> = []
          yield* timeOurs
          yield* timeRaw
          for (let trial = 0; trial < TRIALS; trial++) {
            // Alternate the order so neither side always runs on a warmer process.
            if (trial % 2 === 0) {
              ours.push(yield* timeOurs)
              raw.push(yield* timeRaw)
            } else {
              raw.push(yield* timeRaw)
              ours.push(yield* timeOurs)
            }
          }
          return { ours: median(ours), raw: median(raw) }
        }),
      ),
    )
    recordBenchmark({
      name: "models.cache.hit",
      unit: "lookups/s",
      ours: (ENTRIES * PASSES) / (ours / 1000),
      baseline: (ENTRIES * PASSES) / (raw / 1000),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
