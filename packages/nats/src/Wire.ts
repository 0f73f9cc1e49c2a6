/**
 * What `NatsTransport` puts on the wire: JSON of an `Envelope` (requests), an `Ack` (the answer to a tell) or a
 * `Reply` (the answer to an ask), each encoded and decoded with its Schema. An ask's JSON has one more field,
 * `"op": "ask"` (the Envelope Schema ignores it); without it a request is a tell, acknowledged when it has a
 * reply subject. A field rather than a NATS header: headers cost a parse on every message.
 *
 * Fast paths (the hot path of every tell and ask): the common shapes (an envelope with a valid address, a
 * `Success`/`Failure` reply, an `Accepted` ack) are checked and copied by hand instead of through the Schema,
 * producing exactly what the Schema would. Anything the hand check does not recognise (a malformed message
 * from another process, a `Rejected` reply with its error classes) goes through the Schema as before, so it
 * is accepted or rejected with the same result and the same message.
 */
import { Ack, type ActorAddress, Envelope, Reply } from "@lyceum/actors"
import { Either, Schema } from "effect"
import { DeadLetter } from "./DeadLetter.js"

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

export const text = (data: Uint8Array): string => textDecoder.decode(data)
export const bytes = (value: string): Uint8Array => textEncoder.encode(value)

/** Encodes with the Schema, then to JSON bytes; `Left` says why not (e.g. a value JSON cannot hold). */
const encoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encodeEither(schema)
  return (value: A): Either.Either<Uint8Array, string> => {
    const encoded = encode(value)
    if (Either.isLeft(encoded)) return Either.left(encoded.left.message)
    try {
      return Either.right(textEncoder.encode(JSON.stringify(encoded.right)))
    } catch (error) {
      return Either.left(`not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

/** Parses JSON bytes and decodes with the Schema; `Left` says what is wrong. */
const decoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (data: Uint8Array): Either.Either<A, string> => {
    let json: unknown
    try {
      json = JSON.parse(textDecoder.decode(data))
    } catch (error) {
      return Either.left(`not JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
    return Either.mapLeft(decode(json), (error) => error.message)
  }
}

/** What a request asks of its recipient. */
export type Op = "tell" | "ask"

const encodeEnvelopeValue = Schema.encodeEither(Envelope)
const decodeEnvelopeValue = Schema.decodeUnknownEither(Envelope)

// `ActorAddress`'s token pattern; an address that passes it encodes and decodes to a copy of itself.
const addressToken = /^[A-Za-z0-9_-]+$/
const isToken = (value: unknown): value is string => typeof value === "string" && addressToken.test(value)
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const has = (value: object, key: string): boolean => Object.hasOwn(value, key)

/**
 * What `Schema.encode(Envelope)` and `Schema.decodeUnknown(Envelope)` return for `value` when it surely
 * succeeds (id a string, `to` three valid tokens, `payload` present: `Schema.Unknown` takes any value); else
 * `undefined`, and the caller asks the Schema (for the verdict and its message).
 */
const envelopeCopy = (value: unknown): Envelope | undefined => {
  if (!isObject(value) || typeof value.id !== "string" || !has(value, "payload")) return undefined
  const to = value.to
  if (!isObject(to) || !isToken(to.run) || !isToken(to.kind) || !isToken(to.id)) return undefined
  return { id: value.id, to: { run: to.run, kind: to.kind, id: to.id }, payload: value.payload }
}

// `Buffer.from` (a slice of Node's pool for small strings) costs a quarter of `TextEncoder.encode` here.
const json = (value: unknown): Either.Either<Uint8Array, string> => {
  try {
    const encoded: string | undefined = JSON.stringify(value)
    return Either.right(
      typeof encoded === "string" ? Buffer.from(encoded, "utf8") : textEncoder.encode(encoded),
    )
  } catch (error) {
    return Either.left(`not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const parse = (data: Uint8Array): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(textDecoder.decode(data)))
  } catch (error) {
    return Either.left(`not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** An address that passed `ActorAddress`'s pattern, and the JSON of its copy, remembered per address object. */
interface CheckedAddress {
  readonly run: string
  readonly kind: string
  readonly id: string
  readonly json: string
}

// A ref sends every message with the same address object: check its tokens once, not per message. The fields
// are compared on every use, so an address mutated since (through a cast) is checked again.
const checkedAddresses = new WeakMap<object, CheckedAddress>()
const checkedAddressJson = (to: unknown): string | undefined => {
  if (!isObject(to)) return undefined
  const known = checkedAddresses.get(to)
  if (known !== undefined && known.run === to.run && known.kind === to.kind && known.id === to.id)
    return known.json
  if (!isToken(to.run) || !isToken(to.kind) || !isToken(to.id)) return undefined
  const checked = { run: to.run, kind: to.kind, id: to.id }
  const json = JSON.stringify(checked)
  checkedAddresses.set(to, { ...checked, json })
  return json
}

/**
 * The JSON `json(envelopeCopy(envelope))` (plus `op` for an ask) produces, written out without copying the
 * envelope or checking its address again; `undefined` when the slow path must decide (an address that fails
 * the pattern, a payload JSON would drop or cannot hold).
 */
const requestJson = (envelope: Envelope, op: Op): string | undefined => {
  if (!isObject(envelope) || typeof envelope.id !== "string") return undefined
  const to = checkedAddressJson(envelope.to)
  if (to === undefined) return undefined
  let payload: string | undefined
  try {
    payload = JSON.stringify(envelope.payload)
  } catch {
    return undefined
  }
  if (typeof payload !== "string") return undefined
  const head = `{"id":${JSON.stringify(envelope.id)},"to":${to},"payload":${payload}`
  return op === "ask" ? `${head},"op":"ask"}` : `${head}}`
}

/** An envelope as a tell or an ask. */
export const encodeRequest = (envelope: Envelope, op: Op): Either.Either<Uint8Array, string> => {
  const fast = requestJson(envelope, op)
  if (fast !== undefined) return Either.right(Buffer.from(fast, "utf8"))
  let encoded = envelopeCopy(envelope)
  if (encoded === undefined) {
    const checked = encodeEnvelopeValue(envelope)
    if (Either.isLeft(checked)) return Either.left(checked.left.message)
    encoded = checked.right
  }
  return json(op === "ask" ? { ...encoded, op } : encoded)
}

/** An envelope (a durable message). */
export const encodeEnvelope = (envelope: Envelope): Either.Either<Uint8Array, string> => {
  const copy = envelopeCopy(envelope)
  if (copy !== undefined) return json(copy)
  return Either.flatMap(
    Either.mapLeft(encodeEnvelopeValue(envelope), (error) => error.message),
    json,
  )
}

/** An envelope from the wire (a durable message). */
export const decodeEnvelope = (data: Uint8Array): Either.Either<Envelope, string> =>
  Either.flatMap(parse(data), (value) => {
    const copy = envelopeCopy(value)
    return copy !== undefined
      ? Either.right(copy)
      : Either.mapLeft(decodeEnvelopeValue(value), (error) => error.message)
  })

/** A request: what the recipient is asked to do with the envelope. */
export interface Request {
  readonly op: Op
  readonly envelope: Envelope
}

const requestFrom = (value: unknown): Either.Either<Request, string> => {
  const op: Op = isObject(value) && value.op === "ask" ? "ask" : "tell"
  const copy = envelopeCopy(value)
  if (copy !== undefined) return Either.right({ op, envelope: copy })
  return Either.mapBoth(decodeEnvelopeValue(value), {
    onLeft: (error) => error.message,
    onRight: (envelope) => ({ op, envelope }),
  })
}

/** A request back to its envelope and op. */
export const decodeRequest = (data: Uint8Array): Either.Either<Request, string> =>
  Either.flatMap(parse(data), requestFrom)

/**
 * `decodeRequest` for a message that arrived on the subject of `address` (an `ActorAddress` already
 * validated): an envelope addressed to exactly that address gets `address` itself as its `to`, with no copy
 * and no pattern check (equal tokens pass it); anything else is decoded as `decodeRequest` does.
 */
export const decodeRequestTo = (data: Uint8Array, address: ActorAddress): Either.Either<Request, string> => {
  const parsed = parse(data)
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const value = parsed.right
  if (isObject(value) && typeof value.id === "string" && has(value, "payload")) {
    const to = value.to
    if (isObject(to) && to.run === address.run && to.kind === address.kind && to.id === address.id) {
      const op: Op = value.op === "ask" ? "ask" : "tell"
      return Either.right({ op, envelope: { id: value.id, to: address, payload: value.payload } })
    }
  }
  return requestFrom(value)
}

const encodeReplyValue = encoder(Reply)
const decodeReplyValue = Schema.decodeUnknownEither(Reply)

/** A reply; `Success` and `Failure` carry already-encoded values (`Schema.Unknown`) and are copied as they are. */
export const encodeReply = (reply: Reply): Either.Either<Uint8Array, string> =>
  reply._tag === "Success"
    ? json({ _tag: "Success", value: reply.value })
    : reply._tag === "Failure"
      ? json({ _tag: "Failure", error: reply.error })
      : encodeReplyValue(reply)

/** A reply from the wire: `Success` / `Failure` checked by hand, anything else by the Schema. */
export const decodeReply = (data: Uint8Array): Either.Either<Reply, string> => {
  const parsed = parse(data)
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const value = parsed.right
  if (isObject(value)) {
    if (value._tag === "Success" && has(value, "value"))
      return Either.right({ _tag: "Success", value: value.value })
    if (value._tag === "Failure" && has(value, "error"))
      return Either.right({ _tag: "Failure", error: value.error })
  }
  return Either.mapLeft(decodeReplyValue(value), (error) => error.message)
}
export const encodeAck = encoder(Ack)
const decodeAckValue = Schema.decodeUnknownEither(Ack)

/** An ack from the wire: `Accepted` checked by hand, a refusal by the Schema (its error classes). */
export const decodeAck = (data: Uint8Array): Either.Either<Ack, string> => {
  const parsed = parse(data)
  if (Either.isLeft(parsed)) return Either.left(parsed.left)
  const value = parsed.right
  if (isObject(value) && value._tag === "Accepted") return Either.right({ _tag: "Accepted" })
  return Either.mapLeft(decodeAckValue(value), (error) => error.message)
}
export const encodeDeadLetter = encoder(DeadLetter)
export const decodeDeadLetter = decoder(DeadLetter)

/** The acknowledgement of an accepted tell, encoded once. */
export const accepted: Uint8Array = Either.getOrThrow(encodeAck({ _tag: "Accepted" }))

/** Bytes the headers add to a message (`NATS/1.0` block), which count against the server's max_payload. */
export const headerBytes = (headers: Readonly<Record<string, string>> | undefined): number => {
  if (headers === undefined) return 0
  let size = "NATS/1.0\r\n\r\n".length
  for (const key in headers) size += Buffer.byteLength(`${key}: ${headers[key]}\r\n`, "utf8")
  return size
}
