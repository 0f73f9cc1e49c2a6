/**
 * What `NatsTransport` puts on the wire: JSON of an `Envelope` (requests), an `Ack` (the answer to a tell) or a
 * `Reply` (the answer to an ask), each encoded and decoded with its Schema. A request is an ask when it carries
 * the header `Lyceum-Op: ask`; otherwise it is a tell, acknowledged when it has a reply subject.
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
export const encodeReply = encoder(Reply)
export const decodeReply = decoder(Reply)
export const encodeAck = encoder(Ack)
export const decodeAck = decoder(Ack)
export const encodeDeadLetter = encoder(DeadLetter)
export const decodeDeadLetter = decoder(DeadLetter)

/** The acknowledgement of an accepted tell, encoded once. */
export const accepted: Uint8Array = Either.getOrThrow(encodeAck({ _tag: "Accepted" }))

/** The header that marks a request as an ask. */
export const opHeader = "Lyceum-Op"
export const askHeaders: Readonly<Record<string, string>> = { [opHeader]: "ask" }

/** Bytes the headers add to a message (`NATS/1.0` block), which count against the server's max_payload. */
export const headerBytes = (headers: Readonly<Record<string, string>> | undefined): number => {
  if (headers === undefined) return 0
  let size = "NATS/1.0\r\n\r\n".length
  for (const [key, value] of Object.entries(headers)) size += textEncoder.encode(`${key}: ${value}\r\n`).length
  return size
}
