import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import type { Message } from "../src/Actor.js"
import { decoderFor, encoderFor, isCompiled } from "../src/internal/Codec.js"

// The compiled protocol codecs must agree with the Schema exactly: the same instance (class, fields) for what
// the Schema accepts, the same verdict and message for what it refuses, whichever path an input takes.

class Add extends Schema.TaggedRequest<Add>()("Add", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: { by: Schema.Number, note: Schema.String, sign: Schema.Literal("+", "-"), on: Schema.Boolean },
}) {}

class Reset extends Schema.TaggedRequest<Reset>()("Reset", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {},
}) {}

/** Not plain fields: a refinement, an optional field. The Schema decides everything for these. */
class Scale extends Schema.TaggedRequest<Scale>()("Scale", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: { factor: Schema.Number.pipe(Schema.int()), label: Schema.optional(Schema.String) },
}) {}

const Counter = Schema.Union(Add, Reset)
const Mixed = Schema.Union(Add, Scale)
const asProtocol = (schema: unknown) => schema as Schema.Schema<Message, unknown>

const inputs: ReadonlyArray<unknown> = [
  { _tag: "Add", by: 1, note: "n", sign: "+", on: true },
  { _tag: "Add", by: 1, note: "n", sign: "+", on: true, extra: [1] },
  { _tag: "Add", by: "1", note: "n", sign: "+", on: true },
  { _tag: "Add", by: 1, note: "n", sign: "*", on: true },
  { _tag: "Add", by: 1, note: "n", sign: "-" },
  { _tag: "Add", by: 1, note: "n", sign: "-", on: null },
  { _tag: "Reset" },
  { _tag: "Reset", by: 2 },
  { _tag: "Scale", factor: 2 },
  { _tag: "Scale", factor: 2.5, label: "x" },
  { _tag: "Nope" },
  { by: 1 },
  Object.assign(Object.create({ by: 1, note: "n", sign: "+", on: true }), { _tag: "Add" }),
  [],
  null,
  "Add",
  3,
]

const same = (actual: Either.Either<unknown, { message: string }>, expected: typeof actual) => {
  expect(Either.mapLeft(actual, (e) => e.message)).toStrictEqual(Either.mapLeft(expected, (e) => e.message))
  if (Either.isRight(actual) && Either.isRight(expected)) {
    expect(Object.getPrototypeOf(actual.right)).toBe(Object.getPrototypeOf(expected.right))
    expect(Object.keys(actual.right as object)).toStrictEqual(Object.keys(expected.right as object))
  }
}

describe("Codec", () => {
  it("compiles the common protocols: a request class and a union of them, not refined fields", () => {
    expect(isCompiled(asProtocol(Add))).toBe(true)
    expect(isCompiled(asProtocol(Counter))).toBe(true)
    expect(isCompiled(asProtocol(Scale))).toBe(false)
    expect(isCompiled(asProtocol(Mixed))).toBe(false)
    expect(isCompiled(asProtocol(Schema.Union(Add, Schema.Struct({ _tag: Schema.Literal("S") }))))).toBe(
      false,
    )
  })

  it("decodes as the Schema does", () => {
    for (const schema of [Add, Reset, Counter, Scale, Mixed]) {
      const protocol = asProtocol(schema)
      for (const input of inputs)
        same(decoderFor(protocol)(input), Schema.decodeUnknownEither(protocol)(input))
    }
  })

  it("encodes as the Schema does, also instances changed or built without validation", () => {
    const changed = new Add({ by: 1, note: "n", sign: "+", on: true })
    ;(changed as unknown as { by: unknown }).by = "one"
    const messages: ReadonlyArray<unknown> = [
      new Add({ by: 1, note: "n", sign: "+", on: true }),
      new Reset(),
      new Scale({ factor: 2 }),
      changed,
      new Add({ by: 1, note: 7, sign: "+", on: true } as never, true),
      { _tag: "Add", by: 1, note: "n", sign: "+", on: true },
      { _tag: "Reset" },
      null,
    ]
    for (const schema of [Add, Reset, Counter, Scale, Mixed]) {
      const protocol = asProtocol(schema)
      for (const message of messages) {
        same(encoderFor(protocol)(message as Message), Schema.encodeEither(protocol)(message as Message))
      }
    }
  })
})
