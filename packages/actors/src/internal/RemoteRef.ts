import { Duration, Effect, Either, FiberId, Runtime, Schema } from "effect"
import type { Message } from "../Actor.js"
import type { ActorAddress } from "../ActorAddress.js"
import { AskTimeout, MalformedMessage } from "../ActorError.js"
import type { ActorRef } from "../ActorRef.js"
import type { Envelope, Reply } from "../Envelope.js"
import type { TransportService } from "../Transport.js"
import type { Deadlines } from "./Deadlines.js"
import { resultSchema } from "./resultSchema.js"

/** What every ref of one system shares. */
export interface RefContext {
  readonly transport: TransportService
  readonly deadlines: Deadlines
  readonly nextId: () => string
  readonly askTimeout: Duration.Duration
}

type Encoder = (message: Message) => Either.Either<unknown, { readonly message: string }>

// One encoder per protocol, shared by every ref to it.
const encoders = new WeakMap<object, Encoder>()
const encoderFor = (protocol: Schema.Schema<Message, unknown>): Encoder => {
  let encode = encoders.get(protocol)
  if (encode === undefined) {
    encode = Schema.encodeEither(protocol)
    encoders.set(protocol, encode)
  }
  return encode
}

const envelope = (
  encode: Encoder,
  address: ActorAddress,
  message: Message,
  id: string,
): Either.Either<Envelope, MalformedMessage> =>
  Either.mapBoth(encode(message), {
    onLeft: (error) => new MalformedMessage({ address, messageId: id, reason: error.message }),
    onRight: (payload) => ({ id, to: address, payload }),
  })

const decodeReply = (
  address: ActorAddress,
  message: Message,
  id: string,
  reply: Reply,
): Effect.Effect<unknown, unknown> => {
  if (reply._tag === "Rejected") return Effect.fail(reply.error)
  const success = reply._tag === "Success"
  const schema = resultSchema(message, success ? "success" : "failure")
  const decoded = Schema.decodeUnknownEither(schema)(success ? reply.value : reply.error)
  if (Either.isLeft(decoded)) {
    const reason = `${success ? "reply" : "failure"} does not match its Schema: ${decoded.left.message}`
    return Effect.fail(new MalformedMessage({ address, messageId: id, reason }))
  }
  return success ? Effect.succeed(decoded.right) : Effect.fail(decoded.right)
}

/**
 * The transport's ask, bounded by the deadline: one fiber and one `Deadlines` entry per ask, which is several
 * times cheaper than `Effect.timeoutFail` (two fibers and a timer per ask).
 */
const askWithin = (
  context: RefContext,
  runtime: Runtime.Runtime<never>,
  sent: Envelope,
  timeout: Duration.Duration,
): Effect.Effect<Reply, unknown> =>
  Effect.async<Reply, unknown>((resume) => {
    const fiber = Runtime.runFork(runtime)(context.transport.ask(sent, { timeout }))
    const early = fiber.unsafePoll()
    if (early !== null) {
      resume(early)
      return
    }
    const timeoutMillis = Duration.toMillis(timeout)
    let done = false
    const deadline = context.deadlines.add(timeoutMillis, () => {
      if (done) return
      done = true
      fiber.unsafeInterruptAsFork(FiberId.none)
      resume(Effect.fail(new AskTimeout({ address: sent.to, messageId: sent.id, timeoutMillis })))
    })
    fiber.addObserver((exit) => {
      if (done) return
      done = true
      context.deadlines.cancel(deadline, timeoutMillis)
      resume(exit)
    })
    return Effect.sync(() => {
      if (done) return
      done = true
      context.deadlines.cancel(deadline, timeoutMillis)
      fiber.unsafeInterruptAsFork(FiberId.none)
    })
  })

/**
 * A ref that always goes through the transport, local actor or not: the request is encoded with the
 * protocol here and decoded by the recipient, so the in-process path exercises the wire encoding too.
 */
export const makeRef = <Req extends Message>(
  context: RefContext,
  address: ActorAddress,
  protocol: Schema.Schema<Req, unknown>,
): ActorRef<Req> => {
  const encode = encoderFor(protocol as unknown as Schema.Schema<Message, unknown>)
  return {
    address,
    tell: (message, options) =>
      Effect.suspend(() => {
        const encoded = envelope(encode, address, message, options?.id ?? context.nextId())
        return Either.isLeft(encoded) ? Effect.fail(encoded.left) : context.transport.tell(encoded.right)
      }),
    ask: (message, options) =>
      Effect.suspend(() => {
        const id = options?.id ?? context.nextId()
        const encoded = envelope(encode, address, message, id)
        if (Either.isLeft(encoded)) return Effect.fail(encoded.left)
        const timeout = options?.timeout === undefined ? context.askTimeout : Duration.decode(options.timeout)
        return Effect.runtime<never>().pipe(
          Effect.flatMap((runtime) => askWithin(context, runtime, encoded.right, timeout)),
          Effect.flatMap((reply) => decodeReply(address, message, id, reply)),
        )
      }) as ReturnType<ActorRef<Req>["ask"]>,
  }
}
