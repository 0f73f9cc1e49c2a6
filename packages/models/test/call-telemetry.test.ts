import { describe, expect, it } from "@effect/vitest"
import { Effect, Metric, Tracer } from "effect"
import { currentModelMetrics, ModelMetrics } from "../src/CallTelemetry.js"
import type { LanguageModel } from "../src/LanguageModel.js"
import { Metering } from "../src/Metering.js"
import { type ModelError, Unauthorized } from "../src/ModelError.js"

/** A tracer that keeps every span it makes (Effect's own spans, so their attributes can be read back). */
const recordingTracer = () => {
  const builtIn = Effect.runSync(Effect.tracer)
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (...args) => {
      const span = builtIn.span(...args)
      spans.push(span)
      return span
    },
    context: builtIn.context,
  })
  return { tracer, spans }
}

type Answer = { texts: Array<string>; usage: { promptTokens: number; completionTokens: number } }

/** The span each call ran in, as the model saw it. */
const seen: Array<string> = []

const model = (answer: Effect.Effect<Answer, ModelError>): LanguageModel => ({
  name: "m",
  capabilities: { score: false, generationLogprobs: false, labelScores: false },
  generate: () =>
    Effect.tap(
      Effect.orElseSucceed(Effect.currentSpan, () => undefined),
      (span) => {
        seen.push(span?.name ?? "none")
      },
    ).pipe(Effect.zipRight(answer)),
  score: () => Effect.die("unused"),
})

const tokensOf = (name: string) => Metric.value(Metric.tagged(ModelMetrics.promptTokens, "model", name))

describe("model call telemetry", () => {
  it.effect(
    "one span per call with what metering counted, and the token metrics, when a tracer exports and metrics are read",
    () =>
      Effect.gen(function* () {
        const { tracer, spans } = recordingTracer()
        const metering = yield* Metering.make()
        const metered = metering.metered(
          model(Effect.succeed({ texts: ["x"], usage: { promptTokens: 12, completionTokens: 3 } })),
          "alice",
          { promptPerMTok: 1_000_000, completionPerMTok: 0 },
          "sim",
        )
        const before = (yield* tokensOf("m")).count
        yield* metered
          .generate({ prompt: "hi" })
          .pipe(Effect.withSpan("turn"), Effect.withTracer(tracer), Effect.locally(currentModelMetrics, true))
        const call = spans.find((span) => span.name === "lyceum.model.call")!
        expect(call.attributes.get("gen_ai.request.model")).toBe("m")
        expect(call.attributes.get("gen_ai.system")).toBe("sim")
        expect(call.attributes.get("lyceum.agent")).toBe("alice")
        expect(call.attributes.get("gen_ai.usage.input_tokens")).toBe(12)
        expect(call.attributes.get("gen_ai.usage.output_tokens")).toBe(3)
        expect(call.attributes.get("lyceum.cached")).toBe(false)
        expect(call.attributes.get("lyceum.cost_usd")).toBe(12)
        expect(call.status._tag).toBe("Ended")
        // Under the span the caller was in.
        const turn = spans.find((span) => span.name === "turn")!
        expect(call.parent._tag === "Some" && call.parent.value.spanId).toBe(turn.spanId)
        expect((yield* tokensOf("m")).count - before).toBe(12)
      }),
  )

  it.effect("a failed call's span names its fault", () =>
    Effect.gen(function* () {
      const { tracer, spans } = recordingTracer()
      const metering = yield* Metering.make()
      const metered = metering.metered(
        model(Effect.fail(new Unauthorized({ model: "m", message: "no" }))),
        "bob",
      )
      yield* Effect.flip(metered.generate({ prompt: "hi" }).pipe(Effect.withTracer(tracer)))
      const call = spans.find((span) => span.name === "lyceum.model.call")!
      expect(call.attributes.get("error.type")).toBe("unauthorized")
    }),
  )

  it.effect("the metrics without a span when only metrics are read (OTEL_TRACES_EXPORTER=none)", () =>
    Effect.gen(function* () {
      const metering = yield* Metering.make()
      const metered = metering.metered(
        model(Effect.succeed({ texts: ["x"], usage: { promptTokens: 7, completionTokens: 2 } })),
        "dan",
      )
      const before = (yield* tokensOf("m")).count
      seen.length = 0
      yield* metered
        .generate({ prompt: "hi" })
        .pipe(Effect.withSpan("outer"), Effect.locally(currentModelMetrics, true))
      expect(seen).toEqual(["outer"])
      expect((yield* tokensOf("m")).count - before).toBe(7)
    }),
  )

  it.effect("no span and no metric update with Effect's own tracer (telemetry off)", () =>
    Effect.gen(function* () {
      const metering = yield* Metering.make()
      const metered = metering.metered(
        model(Effect.succeed({ texts: ["x"], usage: { promptTokens: 5, completionTokens: 1 } })),
        "carol",
      )
      const before = (yield* tokensOf("m")).count
      seen.length = 0
      yield* metered.generate({ prompt: "hi" }).pipe(Effect.withSpan("outer"))
      expect(seen).toEqual(["outer"])
      expect((yield* tokensOf("m")).count).toBe(before)
      // Metering counts regardless.
      expect((yield* metering.snapshot).total.promptTokens).toBe(5)
    }),
  )
})
