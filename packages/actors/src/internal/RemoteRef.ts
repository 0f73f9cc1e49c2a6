import { tracedParent } from "@lyceum/core"
import { Duration, Effect, Either, FiberId, Runtime, Schema, type Tracer } from "effect"
import type { Message } from "../Actor.js"
import type { ActorAddress } from "../ActorAddress.js"
import { ActorStopped, AskTimeout, MailboxFull, MalformedMessage } from "../ActorError.js"
import type { ActorRef } from "../ActorRef.js"
import type { Envelope, Reply } from "../Envelope.js"
import type { DirectReceiver, TransportService } from "../Transport.js"
import { encoderFor } from "./Codec.js"
import type { Deadline, Deadlines } from "./Deadlines.js"
import { resultSchema } from "./resultSchema.js"

/** What every ref of one system shares. */
export interface RefContext {
  readonly transport: TransportService
  readonly deadlines: Deadlines
  readonly nextId: () => string
  readonly askTimeout: Duration.Duration
}

type Encoder = (message: Message) => Either.Either<unknown, { readonly message: string }>

// One validator per protocol: the Type-side check a request must pass to be handed over in process.
const validators = new WeakMap<object, (message: Message) => boolean>()
const validatorFor = (protocol: Schema.Schema<Message, unknown>): ((message: Message) => boolean) => {
  let validate = validators.get(protocol)
  if (validate === undefined) {
    const either = Schema.validateEither(protocol)
    validate = (message) => Either.isRight(either(message))
    validators.set(protocol, validate)
  }
  return validate
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

/** A reply whose value or error is the handler's own (already checked against its Schema by the recipient). */
const plainReply = (reply: Reply): Effect.Effect<unknown, unknown> =>
  reply._tag === "Success" ? Effect.succeed(reply.value) : Effect.fail(reply.error)

/**
 * An in-process ask: the request instance goes straight into the recipient's mailbox and the reply comes back
 * through a callback, bounded by a `Deadlines` entry; no fiber, no envelope.
 */
const askDirect = (
  context: RefContext,
  direct: DirectReceiver,
  address: ActorAddress,
  message: Message,
  id: string,
  timeout: Duration.Duration,
  parent: Tracer.AnySpan | undefined,
): Effect.Effect<unknown, unknown> =>
  Effect.async<unknown, unknown>((resume) => {
    const timeoutMillis = Duration.toMillis(timeout)
    let deadline: Deadline | undefined
    let done = false
    const pending = direct.ask(
      id,
      message,
      (reply, encoded) => {
        if (done) return
        done = true
        if (deadline !== undefined) context.deadlines.cancel(deadline, timeoutMillis)
        resume(encoded ? decodeReply(address, message, id, reply) : plainReply(reply))
      },
      parent,
    )
    if (pending instanceof MailboxFull || pending instanceof ActorStopped) {
      done = true
      resume(Effect.fail(pending))
      return
    }
    if (done) return
    deadline = context.deadlines.add(timeoutMillis, () => {
      if (done) return
      done = true
      pending.cancel()
      resume(Effect.fail(new AskTimeout({ address, messageId: id, timeoutMillis })))
    })
    return Effect.sync(() => {
      if (done) return
      done = true
      if (deadline !== undefined) context.deadlines.cancel(deadline, timeoutMillis)
      pending.cancel()
    })
  })

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
 * A ref that goes through the transport: the request is encoded with the protocol here and decoded by the
 * recipient. The one shortcut: when the transport finds the recipient in this process (`inProcess`, which
 * `LocalTransport({ serialize: true })` and wire transports do not offer), the recipient's protocol is this
 * very Schema object and the request passes its Type-side check (`Schema.validate`: for a Schema class, that
 * it is an instance, whose constructor validated the fields), the instance itself is handed over. Encoding and
 * decoding it would only have produced an equal copy; anything they could refuse takes the encoded path.
 */
export const makeRef = <Req extends Message>(
  context: RefContext,
  address: ActorAddress,
  protocol: Schema.Schema<Req, unknown>,
): ActorRef<Req> => {
  const schema = protocol as unknown as Schema.Schema<Message, unknown>
  const encode = encoderFor(schema)
  const validate = validatorFor(schema)
  const inProcess = context.transport.inProcess
  /** The recipient's direct entry, when the request may be handed over as it is. */
  const directFor = (message: Message): DirectReceiver | undefined => {
    if (inProcess === undefined) return undefined
    const direct = inProcess(address)?.direct
    return direct !== undefined && direct.protocol === schema && validate(message) ? direct : undefined
  }
  return {
    address,
    tell: (message, options) =>
      Effect.withFiberRuntime((fiber) => {
        const id = options?.id ?? context.nextId()
        const direct = directFor(message)
        if (direct !== undefined) {
          const refusal = direct.tell(id, message, tracedParent(fiber))
          return refusal === undefined ? Effect.void : Effect.fail(refusal)
        }
        const encoded = envelope(encode, address, message, id)
        return Either.isLeft(encoded) ? Effect.fail(encoded.left) : context.transport.tell(encoded.right)
      }),
    ask: (message, options) =>
      Effect.withFiberRuntime<unknown, unknown>((fiber) => {
        const id = options?.id ?? context.nextId()
        const timeout = options?.timeout === undefined ? context.askTimeout : Duration.decode(options.timeout)
        const direct = directFor(message)
        // In process the recipient's turn is traced under the asker's span; over a wire each process traces
        // its own (no trace context crosses NATS).
        if (direct !== undefined)
          return askDirect(context, direct, address, message, id, timeout, tracedParent(fiber))
        const encoded = envelope(encode, address, message, id)
        if (Either.isLeft(encoded)) return Effect.fail(encoded.left)
        return Effect.runtime<never>().pipe(
          Effect.flatMap((runtime) => askWithin(context, runtime, encoded.right, timeout)),
          Effect.flatMap((reply) => decodeReply(address, message, id, reply)),
        )
      }) as ReturnType<ActorRef<Req>["ask"]>,
  }
}
