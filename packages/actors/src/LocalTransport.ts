import { Context, Effect, Layer, Schema } from "effect"
import { formatAddress } from "./ActorAddress.js"
import { AddressInUse, type TellError, UnknownRecipient } from "./ActorError.js"
import { Ack, Envelope, Reply } from "./Envelope.js"
import { type Receiver, Transport, type TransportService } from "./Transport.js"

/** The address book that in-process transports share: several `ActorSystem`s on one network reach each other. */
export interface LocalNetworkService {
  readonly receivers: Map<string, Receiver>
}

export class LocalNetwork extends Context.Tag("@lyceum/actors/LocalNetwork")<
  LocalNetwork,
  LocalNetworkService
>() {}

export interface LocalTransportOptions {
  /**
   * Round-trip every envelope, ack and reply through its Schema and `JSON.stringify`/`JSON.parse`, exactly as a
   * wire would, and turn off the in-process shortcut (`TransportService.inProcess`): every payload is then
   * Schema-encoded by the sender and decoded by the recipient, and the encoded forms must be plain JSON (no
   * `Date`, `Map`, class instances, `undefined` fields). Without it, a sender whose protocol is the
   * recipient's own Schema hands over its (validated) request instance and gets the handler's (validated)
   * reply value; other senders still encode. Slower; meant for tests. Default false.
   */
  readonly serialize?: boolean
}

const jsonRoundTrip = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encodeSync(schema)
  const decode = Schema.decodeUnknownSync(schema)
  return (value: A): A => decode(JSON.parse(JSON.stringify(encode(value))))
}

const envelopeOverWire = jsonRoundTrip(Envelope)
const replyOverWire = jsonRoundTrip(Reply)
const ackOverWire = jsonRoundTrip(Ack)

/** A node on `network`: registered receivers are reachable by every node on the same network. */
export const make = (network: LocalNetworkService, options: LocalTransportOptions = {}): TransportService => {
  const { receivers } = network
  const wire = options.serialize === true
  const service: TransportService = {
    register: (address, receiver) =>
      Effect.suspend(() => {
        const key = formatAddress(address)
        if (receivers.has(key)) return Effect.fail(new AddressInUse({ address }))
        receivers.set(key, receiver)
        return Effect.void
      }),
    unregister: (address, receiver) =>
      Effect.sync(() => {
        const key = formatAddress(address)
        if (receivers.get(key) === receiver) receivers.delete(key)
      }),
    tell: (envelope) =>
      Effect.suspend((): Effect.Effect<void, TellError> => {
        const sent = wire ? envelopeOverWire(envelope) : envelope
        const receiver = receivers.get(formatAddress(sent.to))
        if (receiver === undefined) return Effect.fail(new UnknownRecipient({ address: envelope.to }))
        if (!wire) return receiver.tell(sent)
        return receiver.tell(sent).pipe(
          Effect.match({
            onFailure: (error): Ack => ({ _tag: "Rejected", error }),
            onSuccess: (): Ack => ({ _tag: "Accepted" }),
          }),
          Effect.flatMap((ack) => {
            const received = ackOverWire(ack)
            return received._tag === "Accepted" ? Effect.void : Effect.fail(received.error as TellError)
          }),
        )
      }),
    ask: (envelope) =>
      Effect.suspend(() => {
        const sent = wire ? envelopeOverWire(envelope) : envelope
        const receiver = receivers.get(formatAddress(sent.to))
        if (receiver === undefined) return Effect.fail(new UnknownRecipient({ address: envelope.to }))
        return wire ? Effect.map(receiver.ask(sent), replyOverWire) : receiver.ask(sent)
      }),
  }
  // Without `serialize` a sender here may hand its request instance straight to a receiver on the network.
  return wire ? service : { ...service, inProcess: (address) => receivers.get(formatAddress(address)) }
}

/** A fresh, empty network. */
export const makeNetwork: Effect.Effect<LocalNetworkService> = Effect.sync(() => ({ receivers: new Map() }))

/** Provides a fresh `LocalNetwork`, for building several nodes that talk to each other. */
export const networkLayer: Layer.Layer<LocalNetwork> = Layer.effect(LocalNetwork, makeNetwork)

/** A node on the `LocalNetwork` in context. */
export const node = (options?: LocalTransportOptions): Effect.Effect<TransportService, never, LocalNetwork> =>
  Effect.map(LocalNetwork, (network) => make(network, options))

/** The in-process `Transport` on a fresh network of its own: what a single-process run uses. */
export const layer = (options?: LocalTransportOptions): Layer.Layer<Transport> =>
  Layer.effect(
    Transport,
    Effect.map(makeNetwork, (network) => make(network, options)),
  )
