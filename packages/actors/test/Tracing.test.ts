import { expect, it } from "@effect/vitest"
import { Effect, Layer, Schema, Tracer } from "effect"
import { Actor, ActorAddress, ActorSystem, LocalTransport } from "../src/index.js"

class Ping extends Schema.TaggedRequest<Ping>()("Ping", {
  payload: {},
  success: Schema.String,
  failure: Schema.Never,
}) {}

/** Answers with the name of the span its handler runs in, and the id of that span's parent. */
const echo = Actor.make(
  Ping,
  Effect.succeed({
    Ping: () =>
      Effect.map(
        Effect.orElseSucceed(Effect.currentSpan, () => undefined),
        (span) =>
          span === undefined
            ? "none"
            : `${span.name}<${span.parent._tag === "Some" ? span.parent.value.spanId : "root"}`,
      ),
  }),
)

/** A tracer that is not Effect's built-in one, so it counts as exporting (it makes the built-in's spans). */
const recordingTracer = () => {
  const builtIn = Effect.runSync(Effect.tracer)
  return Tracer.make({ span: (...args) => builtIn.span(...args), context: builtIn.context })
}

const address = ActorAddress.make({ run: "r1", kind: "echo", id: "a" })

const askFromSpan = (serialize: boolean) =>
  Effect.gen(function* () {
    const system = yield* ActorSystem
    yield* system.spawn(address, echo)
    return yield* Effect.gen(function* () {
      const step = yield* Effect.currentSpan
      const answer = yield* system.refFor(address, Ping).ask(new Ping())
      return { answer, step: step.spanId }
    }).pipe(Effect.withSpan("step"))
  }).pipe(Effect.provide(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer({ serialize })))))

it.scoped("a traced ask makes the recipient's turn a span under the asker's span", () =>
  Effect.gen(function* () {
    const { answer, step } = yield* askFromSpan(false).pipe(Effect.withTracer(recordingTracer()))
    expect(answer).toBe(`lyceum.agent.turn<${step}`)
  }),
)

it.scoped("over a serializing transport the turn is still a span, in the recipient's own trace", () =>
  Effect.gen(function* () {
    const { answer } = yield* askFromSpan(true).pipe(Effect.withTracer(recordingTracer()))
    expect(answer.startsWith("lyceum.agent.turn<")).toBe(true)
  }),
)

it.scoped("without a tracer that exports, no turn span (the handler sees none)", () =>
  Effect.gen(function* () {
    const { answer } = yield* askFromSpan(false)
    expect(answer).toBe("none")
  }),
)
