import { describe, expect, it } from "@effect/vitest"
import {
  Ack,
  ActorAddress,
  Envelope,
  MailboxFull,
  MalformedMessage,
  Reply,
  TransportError,
} from "@lyceum/actors"
import { Either, Schema } from "effect"
import * as Wire from "../src/Wire.js"
import { bytes, text } from "./utils.js"

// The hand-written fast paths must agree with the Schemas exactly: same value for what the Schema accepts,
// same verdict and message for what it rejects.

const bySchema =
  <A, I>(schema: Schema.Schema<A, I>) =>
  (data: Uint8Array): Either.Either<A, string> => {
    let json: unknown
    try {
      json = JSON.parse(text(data))
    } catch (error) {
      return Either.left(`not JSON: ${(error as Error).message}`)
    }
    return Either.mapLeft(Schema.decodeUnknownEither(schema)(json), (error) => error.message)
  }

const to = ActorAddress.make({ run: "r1", kind: "student", id: "s-1" })

const envelopes: ReadonlyArray<unknown> = [
  { id: "m-1", to, payload: { _tag: "Add", by: 1 } },
  { id: "m-1", to, payload: null },
  { id: "m-1", to, payload: [1, "two"], op: "ask" },
  { id: "m-1", to: { ...to, extra: 1 }, payload: 3, extra: true },
  { id: "m-1", to },
  { id: 7, to, payload: 1 },
  { id: "m-1", to: { run: "r.1", kind: "student", id: "s1" }, payload: 1 },
  { id: "m-1", to: { run: "r1", kind: "student" }, payload: 1 },
  { id: "m-1", to: { run: "r1", kind: "", id: "s1" }, payload: 1 },
  { id: "m-1", to: "r1/student/s1", payload: 1 },
  { id: "m-1", to: [], payload: 1 },
  [],
  null,
  "envelope",
  42,
]

const replies: ReadonlyArray<unknown> = [
  { _tag: "Success", value: 3 },
  { _tag: "Success", value: null, error: "ignored" },
  { _tag: "Success" },
  { _tag: "Failure", error: { _tag: "Nope" } },
  { _tag: "Failure" },
  { _tag: "Rejected", error: { _tag: "MailboxFull", address: to, capacity: 2 } },
  { _tag: "Rejected", error: { _tag: "Nonsense" } },
  { _tag: "Accepted" },
  { _tag: "Accepted", extra: 1 },
  { value: 3 },
  [],
  null,
]

describe("Wire fast paths agree with the Schemas", () => {
  it("decodes requests and envelopes as the Envelope Schema does", () => {
    for (const value of envelopes) {
      const data = bytes(JSON.stringify(value))
      const expected = bySchema(Envelope)(data)
      const request = Wire.decodeRequest(data)
      expect(Either.map(request, (r) => r.envelope)).toStrictEqual(expected)
      expect(Wire.decodeEnvelope(data)).toStrictEqual(expected)
      if (Either.isRight(request)) {
        const isAsk = (value as { op?: unknown }).op === "ask"
        expect(request.right.op).toBe(isAsk ? "ask" : "tell")
      }
    }
    expect(Either.isLeft(Wire.decodeRequest(bytes("{not json")))).toBe(true)
  })

  it("encodes envelopes as the Envelope Schema does, and refuses what it refuses", () => {
    for (const value of envelopes) {
      const envelope = value as Envelope
      const encoded = Schema.encodeEither(Envelope)(envelope)
      const expected = Either.isLeft(encoded)
        ? Either.left(encoded.left.message)
        : Either.right(JSON.stringify(encoded.right))
      expect(Either.map(Wire.encodeEnvelope(envelope), text)).toStrictEqual(expected)
      expect(Either.map(Wire.encodeRequest(envelope, "tell"), text)).toStrictEqual(expected)
    }
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const refused = Wire.encodeRequest({ id: "m-1", to, payload: cyclic }, "ask")
    expect(Either.isLeft(refused) && refused.left.startsWith("not JSON-serialisable")).toBe(true)
    const ask = Wire.encodeRequest({ id: "m-1", to, payload: 1 }, "ask")
    expect(Either.map(ask, (data) => JSON.parse(text(data)).op)).toStrictEqual(Either.right("ask"))
  })

  it("decodes a request on an actor's subject as decodeRequest does, reusing the hosted address", () => {
    for (const value of envelopes) {
      const data = bytes(JSON.stringify(value))
      const decoded = Wire.decodeRequestTo(data, to)
      expect(decoded).toStrictEqual(Wire.decodeRequest(data))
      // A whole envelope equal to the hosted address gets that very object (no copy).
      if (Either.isRight(decoded) && Object.hasOwn(value as object, "payload"))
        expect(decoded.right.envelope.to).toBe(to)
    }
    const other = ActorAddress.make({ run: "r1", kind: "student", id: "s-2" })
    const elsewhere = Wire.decodeRequestTo(bytes(JSON.stringify({ id: "m-1", to: other, payload: 1 })), to)
    expect(Either.map(elsewhere, (r) => r.envelope.to)).toStrictEqual(Either.right(other))
    expect(Either.isLeft(Wire.decodeRequestTo(bytes("{not json"), to))).toBe(true)
  })

  it("encodes requests as the Schema does, also for an address changed after its first use", () => {
    const address = { run: "r1", kind: "student", id: "s1" }
    const schemaJson = (envelope: Envelope, op?: "ask") => {
      const encoded = Schema.encodeEither(Envelope)(envelope)
      return Either.isLeft(encoded)
        ? Either.left(encoded.left.message)
        : Either.right(JSON.stringify(op === undefined ? encoded.right : { ...encoded.right, op }))
    }
    const envelope = { id: 'm-"1"', to: address, payload: { _tag: "Add", note: "é\n" } }
    expect(Either.map(Wire.encodeRequest(envelope, "tell"), text)).toStrictEqual(schemaJson(envelope))
    expect(Either.map(Wire.encodeRequest(envelope, "ask"), text)).toStrictEqual(schemaJson(envelope, "ask"))
    address.run = "r.1" // through a cast, as a caller could: the pattern is checked again
    const refused = Wire.encodeRequest(envelope, "tell")
    expect(Either.isLeft(refused)).toBe(true)
    expect(refused).toStrictEqual(schemaJson(envelope))
    const undefinedPayload = { id: "m-2", to, payload: undefined }
    expect(Either.map(Wire.encodeRequest(undefinedPayload, "tell"), text)).toStrictEqual(
      schemaJson(undefinedPayload),
    )
  })

  it("decodes replies and acks as their Schemas do", () => {
    for (const value of replies) {
      const data = bytes(JSON.stringify(value))
      expect(Wire.decodeReply(data)).toStrictEqual(bySchema(Reply)(data))
      expect(Wire.decodeAck(data)).toStrictEqual(bySchema(Ack)(data))
    }
    const rejected = Wire.decodeReply(
      bytes(JSON.stringify({ _tag: "Rejected", error: { _tag: "MailboxFull", address: to, capacity: 2 } })),
    )
    expect(
      Either.isRight(rejected) && rejected.right._tag === "Rejected" && rejected.right.error,
    ).toBeInstanceOf(MailboxFull)
  })

  it("encodes replies as the Reply Schema does", () => {
    const values: ReadonlyArray<Reply> = [
      { _tag: "Success", value: { n: 1 } },
      { _tag: "Failure", error: "typed" },
      { _tag: "Rejected", error: new MalformedMessage({ address: to, messageId: "m-1", reason: "bad" }) },
      { _tag: "Rejected", error: new TransportError({ reason: "gone" }) },
    ]
    for (const reply of values) {
      const expected = Either.map(Schema.encodeEither(Reply)(reply), (encoded) => JSON.stringify(encoded))
      expect(Either.map(Wire.encodeReply(reply), text)).toStrictEqual(
        Either.mapLeft(expected, (e) => e.message),
      )
    }
  })
})
