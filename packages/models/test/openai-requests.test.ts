import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"
import { makeFakeOpenAi } from "./support/FakeOpenAi.js"

/*
 * The life of one HTTP request of an `openai` model: what it leaves behind once answered, and that giving up on
 * it (interruption, timeout) aborts it. The signals are the ones the SDK hands to `fetch` (it aborts its own
 * controller when ours aborts), seen by wrapping the global `fetch` the client calls.
 */

/** Runs `body` with every `fetch` call's signal handed to `seen`. */
const watchingFetch = <A, E, R>(
  seen: (signal: AbortSignal) => void,
  body: Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R> =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const original = globalThis.fetch
      globalThis.fetch = (input, init) => {
        if (init?.signal) seen(init.signal)
        return original(input, init)
      }
      return original
    }),
    () => body,
    (original) =>
      Effect.sync(() => {
        globalThis.fetch = original
      }),
  )

/** A full garbage collection (`--expose-gc` set at run time; the flag only has to be set before `gc` is read). */
const collectGarbage = (): void => {
  setFlagsFromString("--expose-gc")
  ;(runInNewContext("gc") as () => void)()
}

describe("openai requests", () => {
  it.scopedLive("an answered request leaves nothing of itself reachable from the live model", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi()
      const model = yield* makeOpenAiModel(
        "gpt",
        { provider: "openai", baseURL: server.baseURL, model: "m" },
        {},
      )
      const signals: Array<WeakRef<AbortSignal>> = []
      const calls = 200
      yield* watchingFetch(
        (signal) => signals.push(new WeakRef(signal)),
        Effect.forEach(
          Array.from({ length: calls }, (_, i) => i),
          (i) => model.generate({ prompt: `question ${i}` }),
          { concurrency: 8, discard: true },
        ),
      )
      expect(signals).toHaveLength(calls)
      // WeakRefs hold their target until the current job ends, and the HTTP client lets go of a finished request
      // on its own schedule (sometimes a few hundred ms later): collect across macrotasks for up to about a
      // second. A signal the live model keeps, as the old leak did, is never collected however long this waits.
      const aliveNow = () => signals.filter((ref) => ref.deref() !== undefined).length
      for (let i = 0; i < 20 && (i < 2 || aliveNow() >= calls / 10); i++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, i < 2 ? 0 : 50)))
        collectGarbage()
      }
      // Before: AbortSignal.any([request, closing]) kept every request's signal (and the SDK's controller and
      // listener with it) reachable from the model's long-lived closing signal, about 2 kB a call.
      const alive = aliveNow()
      expect(alive).toBeLessThan(calls / 10)
    }),
  )

  it.scopedLive("a caller giving up aborts its request", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi({ defaultReply: { kind: "hang" } })
      const model = yield* makeOpenAiModel(
        "gpt",
        { provider: "openai", baseURL: server.baseURL, model: "m" },
        {},
      )
      const signals: Array<AbortSignal> = []
      yield* watchingFetch(
        (signal) => signals.push(signal),
        Effect.gen(function* () {
          const fiber = yield* Effect.fork(model.generate({ prompt: "hi" }))
          while (server.count("chat") === 0) yield* Effect.sleep(5)
          yield* Fiber.interrupt(fiber)
        }),
      )
      expect(signals.map((signal) => signal.aborted)).toEqual([true])
    }),
  )

  it.scopedLive("a request over its timeout fails with Timeout and is aborted", () =>
    Effect.gen(function* () {
      const server = yield* makeFakeOpenAi({ defaultReply: { kind: "hang" } })
      const model = yield* makeOpenAiModel(
        "gpt",
        { provider: "openai", baseURL: server.baseURL, model: "m", timeoutMs: 100, maxRetries: 0 },
        {},
      )
      const signals: Array<AbortSignal> = []
      const error = yield* watchingFetch(
        (signal) => signals.push(signal),
        Effect.flip(model.generate({ prompt: "hi" })),
      )
      expect(error).toMatchObject({ _tag: "Timeout", afterMs: 100 })
      expect(signals.map((signal) => signal.aborted)).toEqual([true])
    }),
  )
})
