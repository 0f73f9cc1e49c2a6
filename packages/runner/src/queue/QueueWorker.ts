import type { AnyKind } from "@lyceum/coalition"
import { kinds } from "@lyceum/kinds"
import { NatsClient } from "@lyceum/nats"
import { Deferred, Duration, Effect, Either, Fiber, Schedule, Schema, Stream } from "effect"
import { yieldingToEventLoop } from "../EventLoopScheduler.js"
import { describeFailure } from "../Failure.js"
import { makeHostedRuns } from "../HostedRuns.js"
import { playUnit } from "./PlayUnit.js"
import { WorkUnit } from "./QueueMessages.js"
import { everyControl, runToken, unitToken, workersConsumer, workStream } from "./QueueNames.js"
import { isBusOutage, publishReport } from "./ReportPublisher.js"

export interface QueueWorkerOptions {
  /** The worker's name, in its log and in every result it publishes. */
  readonly name: string
  /** Units played at once: the worker pulls no more than this. */
  readonly slots: number
  readonly log: (line: string) => void
  readonly kinds?: ReadonlyArray<AnyKind>
  /** How long a result publish keeps retrying while the server is away before the unit is given back. */
  readonly publishGiveUpMs?: number
}

const decodeUnit = Schema.decodeUnknownEither(Schema.parseJson(WorkUnit))
const decoder = new TextDecoder()

/** How often an idle slot asks for work (each fetch waits this long for a unit). */
const FETCH_WAIT_MS = 5_000

/**
 * The work-queue side of `lyceum worker`: `slots` loops each pull one unit (a cohort) from the shared durable
 * consumer, play it whole in this process, publish each step's rows to the run's results, and ack the unit after
 * its last step. While a unit plays, `working` restarts its ack-wait timer; a worker that dies or is cut off stops
 * saying it, and JetStream gives the unit to another worker after the ack wait. A run's coordinator saying the
 * run is over stops its units here.
 */
export const serveQueue = (options: QueueWorkerOptions) =>
  Effect.gen(function* () {
    const client = yield* NatsClient.NatsClient
    const { name, log } = options
    const hosted = makeHostedRuns(options.kinds ?? kinds)
    /** Runs whose coordinator said they are over, keyed by run token, each with the signal its units wait on. */
    const over = new Map<string, Deferred.Deferred<void>>()
    const overSignal = (token: string) =>
      Effect.suspend(() => {
        const known = over.get(token)
        if (known !== undefined) return Effect.succeed(known)
        return Effect.tap(Deferred.make<void>(), (d) => Effect.sync(() => over.set(token, d)))
      })

    const control = yield* client.subscribe(everyControl)
    yield* Effect.forkScoped(
      Stream.runForEach(control, (message) =>
        Effect.gen(function* () {
          const token = message.subject.split(".").at(-1) ?? ""
          yield* Deferred.succeed(yield* overSignal(token), undefined)
          // Its models and data are released; a unit of it pulled later finds the run over and drops it.
          const runId = [...hosted.runs.keys()].find((id) => runToken(id) === token)
          if (runId !== undefined && (yield* hosted.release(runId))) log(`${runId}: over, released`)
        }),
      ).pipe(Effect.catchAll((e) => Effect.sync(() => log(`control subscription ended: ${e.message}`)))),
    )

    const handle = (message: NatsClient.JetStreamMessage) =>
      Effect.gen(function* () {
        const decoded = decodeUnit(decoder.decode(message.data))
        if (Either.isLeft(decoded)) {
          log(
            `dropped a malformed unit on ${message.subject}: ${describeFailure(decoded.left).slice(0, 300)}`,
          )
          return yield* message.term("malformed unit")
        }
        const { cohort, ackWaitMs, key } = decoded.right
        const attempt = message.deliveryCount
        const unit = { repeat: cohort.repeat, task: cohort.task, variant: cohort.variant }
        const label = `${cohort.runId} ${unitToken(unit)}${attempt > 1 ? ` (attempt ${attempt})` : ""}`
        const runOver = yield* overSignal(runToken(cohort.runId))
        if (yield* Deferred.isDone(runOver)) return yield* message.term("run over")
        log(`${label}: playing`)
        // Said well within the ack wait; a missed one (server restarting) is said again next time.
        const working = yield* Effect.forkScoped(
          message.working.pipe(
            Effect.ignore,
            Effect.repeat(Schedule.spaced(Duration.millis(Math.max(200, Math.floor(ackWaitMs / 4))))),
          ),
        )
        const report = (outcome: Parameters<typeof publishReport>[1]["outcome"], step: number) =>
          publishReport(
            client,
            { runId: cohort.runId, unit, step, attempt, worker: name, outcome },
            { unitSequence: message.streamSequence },
            key,
            options.publishGiveUpMs ?? 10 * 60_000,
          )
        const played = yield* playUnit(hosted, cohort, (step) =>
          report(
            { _tag: "StepPlayed", rows: step.rows, summary: step.summary, final: step.final },
            step.step,
          ),
        ).pipe(Effect.raceFirst(Effect.as(Deferred.await(runOver), "over" as const)), Effect.either)
        yield* Fiber.interrupt(working)
        if (Either.isRight(played)) {
          if (played.right === "over") {
            log(`${label}: the run is over, stopped`)
            return yield* message.term("run over")
          }
          log(`${label}: done`)
          return yield* message.ack
        }
        const error = played.left
        // Results that could not be published: another worker (or this one) tries again after the ack wait.
        if (isBusOutage(error)) {
          log(`${label}: could not publish its results (${describeFailure(error)}); given back`)
          return yield* message.nak()
        }
        const why = describeFailure(error)
        log(`${label}: failed: ${why}`)
        // The coordinator fails the run with this message; the unit is not played again.
        yield* report({ _tag: "UnitFailed", message: `worker ${name}: ${why}` }, 0).pipe(Effect.ignore)
        return yield* message.term("failed")
      }).pipe(
        Effect.scoped,
        // Stopped (SIGTERM) mid-unit: given back at once rather than after the ack wait.
        Effect.onInterrupt(() => message.nak().pipe(Effect.ignore)),
        Effect.catchAll((e) => Effect.sync(() => log(`could not settle a unit: ${describeFailure(e)}`))),
      )

    let waitingSaid = false
    const slot = Effect.forever(
      client.fetch(workStream, workersConsumer, 1, FETCH_WAIT_MS).pipe(
        Effect.tap(() => Effect.sync(() => (waitingSaid = false))),
        Effect.flatMap((messages) => Effect.forEach(messages, handle, { discard: true })),
        // No queue yet (no coordinator has used this server), or the server is away: ask again shortly.
        Effect.catchAll((error) =>
          Effect.sync(() => {
            if (!waitingSaid) log(`waiting for work: ${error.message}`)
            waitingSaid = true
          }).pipe(Effect.zipRight(Effect.sleep(Duration.seconds(1)))),
        ),
      ),
    )
    log(`worker ${name} pulls units of work (${options.slots} slot${options.slots === 1 ? "" : "s"})`)
    yield* Effect.forEach(Array.from({ length: Math.max(1, options.slots) }), () => slot, {
      concurrency: "unbounded",
      discard: true,
    })
    // The event loop gets its turns while a cohort plays: `working` acks, NATS pings and signals go out on time.
  }).pipe(yieldingToEventLoop)
