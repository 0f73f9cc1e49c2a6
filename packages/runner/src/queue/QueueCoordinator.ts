import { type CohortId, cohortName } from "@lyceum/coalition"
import { NatsClient } from "@lyceum/nats"
import { Deferred, Duration, Effect, Either, Schedule, Schema, type Scope, Stream } from "effect"
import type { CohortKey } from "../WorkerProtocol.js"
import { ConflictingResults, NatsServerLost, ResultsEnded, UnitFailed } from "./QueueErrors.js"
import {
  partHeader,
  partsHeader,
  reportHeader,
  StepReport,
  signatureHeader,
  type WorkUnit,
} from "./QueueMessages.js"
import {
  controlSubject,
  resultsConsumer,
  resultsStream,
  resultsSubjects,
  runResults,
  runToken,
  runWork,
  type UnitIndex,
  unitToken,
  workersConsumer,
  workStream,
  workSubject,
  workSubjects,
} from "./QueueNames.js"
import { rowsDigest, signedBy, unitKey } from "./ReportPublisher.js"
import { foreignRow } from "./ResultChecks.js"

/** One cohort the coordinator puts on the queue. */
export interface QueuedUnit {
  readonly index: UnitIndex
  /** The cohort as rows and messages name it. */
  readonly id: CohortId
  /** Finished before this invocation (a resumed run's): not queued; late copies of its results are dropped. */
  readonly finished: boolean
}

/** A step that arrived, checked, for the coordinator to write. */
export type AppliedStep = Extract<StepReport["outcome"], { _tag: "StepPlayed" }>

export interface QueueSettings {
  /** Redeliver a unit whose worker has not said `working` for this long. */
  readonly ackWaitMs: number
  /** JetStream replicas of the work and results streams (3 on a 3-node cluster). */
  readonly replicas: number
  /** Stop the run when the NATS server has been unreachable this long. */
  readonly lossTimeoutMs: number
}

export interface QueueRun<E, R> {
  readonly runId: string
  /** Everything a worker needs besides the unit's indexes. */
  readonly key: Omit<CohortKey, "repeat" | "task" | "variant">
  readonly units: ReadonlyArray<QueuedUnit>
  readonly steps: number
  readonly settings: QueueSettings
  /** The run's key (`runs.result_key`): each unit's signing key is derived from it. */
  readonly runKey: Uint8Array
  /** Writes one step (the one SQLite writer); called once per step, in arrival order. */
  readonly apply: (
    unit: QueuedUnit,
    step: number,
    played: AppliedStep,
    playedBy: { readonly worker: string; readonly attempt: number },
  ) => Effect.Effect<void, E, R>
  /** Something arrived that is not a result of this run: it is dropped (and said). */
  readonly warn: (line: string) => Effect.Effect<void>
}

const decodeReport = Schema.decodeUnknownEither(Schema.parseJson(StepReport))
const encodeUnit = (unit: WorkUnit) => new TextEncoder().encode(JSON.stringify(unit))
const decoder = new TextDecoder()

/** Parts of a report being gathered: a bound, so a flood of bogus first parts cannot fill the memory. */
const MAX_GATHERING = 4_096
const MAX_PARTS = 4_096

/**
 * Plays a run's cohorts through the JetStream work queue: publishes one unit per cohort, then writes each
 * step's result as it arrives, once, until every cohort has its last step. A result is acked only after its
 * step is written, so a coordinator killed in between finds it again when resumed. A second copy of a written
 * step (a unit played again after its worker was lost, a result published twice) must carry the same rows:
 * it is then dropped; different rows stop the run (`ConflictingResults`). Anything that is not a result of this
 * run's units is dropped and said. The run stops if the server stays away longer than `lossTimeoutMs`.
 */
export const playThroughQueue = <E, R>(
  run: QueueRun<E, R>,
): Effect.Effect<
  void,
  | E
  | UnitFailed
  | ConflictingResults
  | NatsServerLost
  | ResultsEnded
  | NatsClient.JetStreamManageError
  | NatsClient.DurablePublishError,
  R | NatsClient.NatsClient | Scope.Scope
> =>
  Effect.gen(function* () {
    const client = yield* NatsClient.NatsClient
    const { runId, settings, steps } = run
    const streams = { retention: "workqueue" as const, replicas: settings.replicas }
    yield* client.ensureStream(workStream, workSubjects, streams)
    yield* client.ensureStream(resultsStream, resultsSubjects, streams)
    yield* client.ensureConsumer(workStream, {
      durable: workersConsumer,
      filterSubject: "lyceum-work.>",
      ackWaitMs: settings.ackWaitMs,
      maxAckPending: 10_000,
    })
    const byToken = new Map(run.units.map((u) => [unitToken(u.index), u]))
    /** Steps written (or found written) per unit, and the digest of each written now. */
    const written = new Map<string, Map<number, string | undefined>>()
    const finished = new Set<string>()
    for (const unit of run.units) {
      const done = new Map<number, string | undefined>()
      // A finished cohort's steps are all in the database (a resume deletes what unfinished ones wrote).
      if (unit.finished) for (let step = 0; step < steps; step++) done.set(step, undefined)
      written.set(unitToken(unit.index), done)
    }
    const stepsWritten = (token: string) => written.get(token)?.size ?? 0
    const allDone = yield* Deferred.make<void>()
    const complete = (token: string, final: boolean) => {
      if (final || written.get(token)!.size >= run.steps) finished.add(token)
      if (finished.size === run.units.length) Deferred.unsafeDone(allDone, Effect.void)
    }
    for (const token of byToken.keys()) complete(token, false)

    // Whatever happens to the run, its units still queued are withdrawn and its workers told it is over.
    yield* Effect.addFinalizer(() =>
      Effect.all(
        [
          client.publish(controlSubject(runId), new TextEncoder().encode("over")),
          client.purgeSubject(workStream, runWork(runId)),
        ],
        { discard: true },
      ).pipe(Effect.timeout(Duration.seconds(10)), Effect.ignore),
    )
    // A resumed run's earlier units are withdrawn: the ones still to play are published again below.
    yield* client.purgeSubject(workStream, runWork(runId))
    const epoch = Date.now()
    let republished = 0
    const publishUnit = (unit: QueuedUnit, msgId: string) => {
      const message: WorkUnit = {
        cohort: { ...run.key, ...unit.index },
        ackWaitMs: settings.ackWaitMs,
        epoch,
        key: unitKey(run.runKey, runId, unit.index),
      }
      return client.publishDurable(workSubject(runId, unit.index), encodeUnit(message), msgId)
    }
    for (const unit of run.units) {
      if (finished.has(unitToken(unit.index))) continue
      yield* publishUnit(unit, `${runToken(runId)}/${unitToken(unit.index)}/${epoch}`)
    }

    /** Steps written per unit when the unit was last seen missing from the queue (see `watchQueue`). */
    const missing = new Map<string, number>()
    /**
     * A unit leaves the work stream only when a worker acks or terminates it, which an honest worker does after
     * its last step is published. One gone while its cohort is unfinished, and still gone a check later with no
     * step written meanwhile, was settled by someone else (any process allowed to ack on the stream can ack any
     * unit): it is queued again rather than waited for forever.
     */
    const watchQueue = Effect.forEach(
      run.units,
      (unit) =>
        Effect.gen(function* () {
          const token = unitToken(unit.index)
          if (finished.has(token)) return
          const written = stepsWritten(token)
          if (yield* client.hasMessageOn(workStream, workSubject(runId, unit.index))) {
            missing.delete(token)
            return
          }
          const seen = missing.get(token)
          if (seen === undefined || seen !== written) {
            missing.set(token, written)
            return
          }
          missing.delete(token)
          republished++
          yield* run.warn(
            `${cohortName(unit.id)} (${token}) left the work queue unfinished (acked or terminated by a process ` +
              "that did not play it to the end); queued again",
          )
          yield* publishUnit(unit, `${runToken(runId)}/${token}/${epoch}/again-${republished}`)
        }),
      { discard: true },
    ).pipe(
      Effect.catchAll(() => Effect.void),
      Effect.repeat(Schedule.spaced(Duration.millis(Math.max(2_000, settings.ackWaitMs)))),
    )

    const gathering = new Map<
      string,
      { parts: Array<NatsClient.JetStreamMessage | undefined>; got: number }
    >()
    const drop = (message: NatsClient.JetStreamMessage, why: string) =>
      Effect.zipRight(
        run.warn(`dropped a message on ${message.subject}: ${why}`),
        message.term(why).pipe(Effect.ignore),
      )

    const onReport = (messages: ReadonlyArray<NatsClient.JetStreamMessage>) =>
      Effect.gen(function* () {
        const ackAll = Effect.forEach(messages, (m) => m.ack.pipe(Effect.ignore), { discard: true })
        const termAll = (why: string) =>
          Effect.forEach(messages, (m) => m.term(why).pipe(Effect.ignore), { discard: true })
        const bytes = Buffer.concat(messages.map((m) => m.data))
        const decoded = decodeReport(decoder.decode(bytes))
        if (Either.isLeft(decoded)) {
          yield* run.warn(`dropped a result that is not a StepReport on ${messages[0]!.subject}`)
          return yield* termAll("malformed")
        }
        const report = decoded.right
        const token = unitToken(report.unit)
        const unit = byToken.get(token)
        if (report.runId !== runId || unit === undefined || report.step >= steps) {
          yield* run.warn(
            `dropped a result for ${report.runId} ${token} step ${report.step}: not a step of this run's units`,
          )
          return yield* ackAll
        }
        const where = `${cohortName(unit.id)} (${token})`
        // Signed with the unit's key: only a process given the unit (a worker, by the server's permissions)
        // can have played it. Checked before anything else in it is believed.
        if (!signedBy(unitKey(run.runKey, runId, unit.index), bytes, messages[0]!.headers[signatureHeader])) {
          yield* run.warn(
            `dropped a result for ${where} step ${report.step} claiming to be from ${report.worker}: not signed with the unit's key`,
          )
          return yield* termAll("unsigned")
        }
        if (report.outcome._tag === "UnitFailed") {
          yield* ackAll
          return yield* new UnitFailed({ unit: where, worker: report.worker, reason: report.outcome.message })
        }
        const played = report.outcome
        const foreign = foreignRow(played.rows, runId, unit.id, report.step)
        if (foreign !== undefined) {
          yield* run.warn(
            `dropped a result for ${where} step ${report.step} from ${report.worker}: ${foreign}`,
          )
          return yield* ackAll
        }
        const done = written.get(token)!
        const digest = rowsDigest(played.rows)
        if (done.has(report.step)) {
          const before = done.get(report.step)
          if (before !== undefined && before !== digest)
            return yield* new ConflictingResults({
              unit: where,
              step: report.step,
              applied: "the first result",
              offered: `attempt ${report.attempt} from worker ${report.worker}`,
            })
          return yield* ackAll
        }
        yield* run.apply(unit, report.step, played, { worker: report.worker, attempt: report.attempt })
        done.set(report.step, digest)
        yield* ackAll
        complete(token, played.final === true)
      })

    /** Gathers a report's parts; the whole report once the last arrives. */
    const onMessage = (message: NatsClient.JetStreamMessage) =>
      Effect.suspend(() => {
        const headers = message.headers
        const id = headers[reportHeader]
        const part = Number(headers[partHeader] ?? "0")
        const parts = Number(headers[partsHeader] ?? "1")
        if (
          id === undefined ||
          !Number.isInteger(part) ||
          !Number.isInteger(parts) ||
          parts < 1 ||
          parts > MAX_PARTS ||
          part < 0 ||
          part >= parts
        )
          return drop(message, "no valid report id and part headers")
        if (parts === 1) return onReport([message])
        const entry = gathering.get(id) ?? { parts: Array.from({ length: parts }, () => undefined), got: 0 }
        if (entry.parts.length !== parts)
          return drop(message, "its part count differs from its report's other parts")
        if (!gathering.has(id)) {
          if (gathering.size >= MAX_GATHERING) return drop(message, "too many reports in parts at once")
          gathering.set(id, entry)
        }
        if (entry.parts[part] === undefined) entry.got++
        entry.parts[part] = message
        if (entry.got < parts) return Effect.void
        gathering.delete(id)
        return onReport(entry.parts as Array<NatsClient.JetStreamMessage>)
      })

    const results = yield* client.consume(resultsStream, {
      durable: resultsConsumer(runId),
      filterSubject: runResults(runId),
      // Acked once written; a gathering report's parts wait for the rest well within this.
      ackWaitMs: 5 * 60_000,
      maxAckPending: 10_000,
    })
    const consuming = Stream.runForEach(results, onMessage)
    const watchdog = client.disconnectedForMs.pipe(
      Effect.repeat({
        schedule: Schedule.spaced(Duration.millis(500)),
        until: (ms) => ms > settings.lossTimeoutMs,
      }),
      // The schedule's output is not the wait: read it again for the message.
      Effect.zipRight(client.disconnectedForMs),
      Effect.flatMap((waitedMs) => new NatsServerLost({ waitedMs })),
    )
    // Nothing comes back when no worker serves this server: said, once, rather than waiting in silence.
    const quiet = Effect.sleep(Duration.seconds(30)).pipe(
      Effect.zipRight(
        Effect.suspend(() =>
          [...written.values()].some((steps) => [...steps.values()].some((d) => d !== undefined))
            ? Effect.void
            : run.warn(
                "no worker has sent a result for 30 s: start workers on this NATS server (lyceum worker --nats URL) " +
                  "with the run's datasets at the same paths",
              ),
        ),
      ),
    )
    yield* Effect.forkScoped(quiet)
    if (!(yield* Deferred.isDone(allDone)))
      yield* Effect.raceFirst(
        Effect.raceFirst(consuming, watchdog),
        Effect.raceFirst(Deferred.await(allDone), Effect.zipRight(watchQueue, Effect.never)),
      )
    if (!(yield* Deferred.isDone(allDone)))
      return yield* new ResultsEnded({ left: run.units.length - finished.size })
    // Every step written: the run's results consumer is not needed again (a failed run keeps it for its resume).
    yield* client
      .deleteConsumer(resultsStream, resultsConsumer(runId))
      .pipe(Effect.timeout(Duration.seconds(10)), Effect.ignore)
  })
