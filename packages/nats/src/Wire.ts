/**
 * What `NatsTransport` puts on the wire: JSON of an `Envelope` (requests), an `Ack` (the answer to a tell) or a
 * `Reply` (the answer to an ask), each encoded and decoded with its Schema. An ask's JSON has one more field,
 * `"op": "ask"` (the Envelope Schema ignores it); without it a request is a tell, acknowledged when it has a
 * reply subject. A field rather than a NATS header: headers cost a parse on every message.
 */
import { Ack, Envelope, Reply } from "@lyceum/actors"
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

export const encodeEnvelope = encoder(Envelope)
export const decodeEnvelope = decoder(Envelope)

/** What a request asks of its recipient. */
export type Op = "tell" | "ask"

const encodeEnvelopeValue = Schema.encodeEither(Envelope)
const decodeEnvelopeValue = Schema.decodeUnknownEither(Envelope)

/** An envelope as a tell or an ask. */
export const encodeRequest = (envelope: Envelope, op: Op): Either.Either<Uint8Array, string> => {
  const encoded = encodeEnvelopeValue(envelope)
  if (Either.isLeft(encoded)) return Either.left(encoded.left.message)
  try {
    const json = op === "ask" ? { ...encoded.right, op } : encoded.right
    return Either.right(textEncoder.encode(JSON.stringify(json)))
  } catch (error) {
    return Either.left(`not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** A request back to its envelope and op. */
export const decodeRequest = (
  data: Uint8Array,
): Either.Either<{ readonly op: Op; readonly envelope: Envelope }, string> => {
  let json: unknown
  try {
    json = JSON.parse(textDecoder.decode(data))
  } catch (error) {
    return Either.left(`not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  const op: Op =
    typeof json === "object" && json !== null && "op" in json && json.op === "ask" ? "ask" : "tell"
  return Either.mapBoth(decodeEnvelopeValue(json), {
    onLeft: (error) => error.message,
    onRight: (envelope) => ({ op, envelope }),
  })
}
export const encodeReply = encoder(Reply)
export const decodeReply = decoder(Reply)
export const encodeAck = encoder(Ack)
export const decodeAck = decoder(Ack)
export const encodeDeadLetter = encoder(DeadLetter)
export const decodeDeadLetter = decoder(DeadLetter)

/** The acknowledgement of an accepted tell, encoded once. */
export const accepted: Uint8Array = Either.getOrThrow(encodeAck({ _tag: "Accepted" }))

/** Bytes the headers add to a message (`NATS/1.0` block), which count against the server's max_payload. */
export const headerBytes = (headers: Readonly<Record<string, string>> | undefined): number => {
  if (headers === undefined) return 0
  let size = "NATS/1.0\r\n\r\n".length
  for (const [key, value] of Object.entries(headers))
    size += textEncoder.encode(`${key}: ${value}\r\n`).length
  return size
}
