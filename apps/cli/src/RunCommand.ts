import { Args, Command, Options } from "@effect/cli"
import { shellWord } from "@lyceum/core"
import { kindNamed, loadScenario } from "@lyceum/kinds"
import { ConnectOptions, NatsClient, NatsTransport, SharedLimits } from "@lyceum/nats"
import { renderAfterRun } from "@lyceum/report"
import { emptyTally, RunFailed, runScenario } from "@lyceum/runner"
import { Store } from "@lyceum/store"
import { Cause, Console, Data, Effect, Layer, Option } from "effect"
import { checkBeforeRun } from "./BeforeRun.js"
import { reportIfInterrupted } from "./ErrorReport.js"
import { LogFormatSetting } from "./LogFormat.js"
import { explainRejection, natsAuthOptions, natsClientOptions } from "./NatsOptions.js"
import {
  dbOption,
  formatOption,
  natsOption,
  progressOption,
  quietOption,
  verboseOption,
  yesOption,
} from "./Options.js"
import { progressLayer, resolveProgress, tallied } from "./ProgressView.js"
import { runJson } from "./RunJson.js"
import { version } from "./version.js"

const scenario = Args.path({ name: "scenario" }).pipe(Args.withDescription("scenario file (YAML)"))
const workers = Options.text("workers").pipe(
  Options.withDescription(
    "comma-separated names of `lyceum worker` processes on the --nats server to host the agents (default: none, every agent runs here)",
  ),
  Options.optional,
)
const parallel = Options.integer("parallel").pipe(
  Options.withDescription(
    "cohorts (repeat × task × method) played at once; default: one per worker, else 1. Results do not change",
  ),
  Options.optional,
)
const resume = Options.text("resume").pipe(
  Options.withDescription(
    "continue this stopped or failed run (its id) in --db: finished cohorts are kept, the rest played again; the scenario must be unchanged except its budget",
  ),
  Options.optional,
)
const force = Options.boolean("force").pipe(
  Options.withDescription(
    "with --resume: take over a run whose process died (killed while it played; its pid is gone or its heartbeat stopped); never one a live process plays",
  ),
)
const queue = Options.boolean("queue").pipe(
  Options.withDescription(
    "with --nats: put each cohort on the server's JetStream work queue for any `lyceum worker` to play whole; a worker that dies or is cut off has its cohort played again by another, with identical results",
  ),
)
const ackWait = Options.integer("ack-wait").pipe(
  Options.withDescription(
    "with --queue: seconds without word from a worker before its cohort goes to another worker (default 30)",
  ),
  Options.withDefault(30),
)
const natsReplicas = Options.integer("nats-replicas").pipe(
  Options.withDescription(
    "with --queue: copies of the work and results streams on a NATS cluster (1, 3 or 5; default 1)",
  ),
  Options.withDefault(1),
)
const natsLossTimeout = Options.integer("nats-loss-timeout").pipe(
  Options.withDescription(
    "with --queue: seconds the NATS server may stay unreachable before the run stops, resumable (default 60)",
  ),
  Options.withDefault(60),
)
const workerLossTimeout = Options.integer("worker-loss-timeout").pipe(
  Options.withDescription(
    "with --workers: seconds a worker may go without answering (busy, not dead) before the run counts it lost (default 30; a worker whose process is gone is lost at once)",
  ),
  Options.withDefault(30),
)
const seed = Options.integer("seed").pipe(
  Options.withDescription("override the scenario's seed"),
  Options.optional,
)

class QueueNeedsNats extends Data.TaggedError("QueueNeedsNats")<{ readonly problem: string }> {
  override get message() {
    return this.problem
  }
}

class WorkersNeedNats extends Data.TaggedError("WorkersNeedNats") {
  override get message() {
    return "--workers needs --nats: workers and the coordinator talk through a NATS server (e.g. --nats nats://127.0.0.1:4222)"
  }
}

/** `lyceum run SCENARIO`: plays the scenario, stores everything, prints the learning curve. */
export const runCommand = Command.make(
  "run",
  {
    scenario,
    db: dbOption,
    seed,
    nats: natsOption,
    ...natsAuthOptions,
    workers,
    workerLossTimeout,
    queue,
    ackWait,
    natsReplicas,
    natsLossTimeout,
    parallel,
    resume,
    force,
    yes: yesOption,
    verbose: verboseOption,
    progress: progressOption,
    quiet: quietOption,
    format: formatOption,
  },
  ({
    scenario,
    db,
    seed,
    nats,
    workers,
    workerLossTimeout,
    queue,
    ackWait,
    natsReplicas,
    natsLossTimeout,
    parallel,
    resume,
    force,
    yes,
    verbose,
    progress,
    quiet,
    format,
    ...natsAuth
  }) =>
    Effect.gen(function* () {
      const names = Option.match(workers, {
        onNone: () => [],
        onSome: (list) =>
          list
            .split(",")
            .map((name) => name.trim())
            .filter((name) => name.length > 0),
      })
      if (names.length > 0 && Option.isNone(nats)) return yield* new WorkersNeedNats()
      if (queue && Option.isNone(nats))
        return yield* new QueueNeedsNats({
          problem:
            "--queue needs --nats: the work queue lives on a NATS server with JetStream (nats-server -js)",
        })
      if (queue && names.length > 0)
        return yield* new QueueNeedsNats({
          problem:
            "--queue and --workers are two ways to spread a run: --queue lets any worker play whole cohorts, --workers deals one cohort's agents over named workers; choose one",
        })
      if (ackWait < 1 || natsLossTimeout < 1 || workerLossTimeout < 1 || ![1, 3, 5].includes(natsReplicas))
        return yield* new QueueNeedsNats({
          problem:
            "--ack-wait and --nats-loss-timeout are whole seconds >= 1, and --nats-replicas is 1, 3 or 5",
        })
      const loaded = yield* loadScenario(scenario)
      // Before the store is opened: a scenario that cannot run creates no database file.
      const { prepared, probed } = yield* checkBeforeRun(loaded, {
        seed: Option.getOrUndefined(seed),
        yes,
        db,
        resume: Option.getOrUndefined(resume),
      })
      const kind = yield* kindNamed(loaded.scenario.kind)
      // What the progress events said (the plan's counts, cache hits), for the JSON summary.
      const tally = emptyTally(Date.now())
      const logFormat = Option.getOrElse(yield* Effect.serviceOption(LogFormatSetting), () => "text" as const)
      const shown = tallied(
        progressLayer(resolveProgress(progress, quiet, process.stderr, process.env, logFormat)),
        tally,
      )
      // With workers on NATS, every process's endpoint limits are shared (adaptive concurrency over NATS KV).
      const connection = (name: string) => natsClientOptions(Option.getOrThrow(nats), name, natsAuth)
      const sharing = Option.isSome(nats)
        ? SharedLimits.shareEndpointLimits({ nats: connection("lyceum-run-limits") })
        : Effect.void
      const played = runScenario({
        loaded,
        prepared,
        probed,
        seed: Option.getOrUndefined(seed),
        versions: { lyceum: version, node: process.version },
        ...(Option.isSome(nats) && {
          transport: NatsTransport.layer({ nats: connection("lyceum-run") }).pipe(
            Layer.mapError(explainRejection),
          ),
        }),
        workers: names,
        workerLossMs: workerLossTimeout * 1000,
        // A printed resume command spreads the run as this one did (a URL's password shown as ***).
        ...(Option.isSome(nats) && {
          resumeFlags: [
            `--nats ${shellWord(nats.value.split(",").map(ConnectOptions.redactUrl).join(","))}`,
            ...(queue ? ["--queue"] : []),
            ...(names.length > 0 ? [`--workers ${shellWord(names.join(","))}`] : []),
          ].join(" "),
        }),
        ...(queue && {
          queue: {
            nats: NatsClient.layer(connection("lyceum-run-queue")).pipe(Layer.mapError(explainRejection)),
            settings: {
              ackWaitMs: ackWait * 1000,
              replicas: natsReplicas,
              lossTimeoutMs: natsLossTimeout * 1000,
            },
          },
        }),
        ...(Option.isSome(resume) && { resume: resume.value, force }),
        ...(Option.isSome(parallel) && { parallel: Math.max(1, parallel.value) }),
      }).pipe(
        (run) => Effect.scoped(Effect.zipRight(sharing, run)),
        // Its own scope: a live progress block is closed (left on screen) before anything else is printed.
        Effect.provide(shown),
        Effect.onError(reportIfInterrupted(verbose)),
      )
      const started = Date.now()
      const printJson = (runId: string) =>
        runJson({
          runId,
          db,
          report: kind.report,
          steps: tally.steps,
          plannedCohorts: tally.cohorts,
          cacheHits: tally.cacheHits,
          elapsedMs: Date.now() - started,
        }).pipe(Effect.flatMap((document) => Console.log(JSON.stringify(document, null, 2))))
      // The kind's own summary of the finished run (social learning: the learning curve with its chart).
      const { runId, summary } = yield* Effect.gen(function* () {
        const { runId } = yield* played.pipe(
          // A failed or stopped run has its JSON too (a finaliser: Ctrl-C interrupts this fiber).
          Effect.onError((cause) => {
            const failure = Cause.failureOption(cause)
            return format === "json" && Option.isSome(failure) && failure.value instanceof RunFailed
              ? printJson(failure.value.runId).pipe(
                  Effect.catchAllCause((why) => Effect.logWarning("could not print the run's JSON", why)),
                )
              : Effect.void
          }),
        )
        // JSON: the one document on stdout; quiet: nothing but errors.
        if (format === "json") yield* printJson(runId)
        if (format === "json" || quiet) return { runId, summary: undefined }
        const run = yield* Effect.flatMap(Store, (store) => store.getRun(runId))
        const text = Option.isNone(run)
          ? ""
          : yield* renderAfterRun(run.value, kind.report, process.stdout.isTTY === true)
        return { runId, summary: text }
      }).pipe(Effect.provide(Store.layer({ filename: db })))
      if (summary === undefined) return
      yield* Console.log(`\n${summary}`)
      yield* Console.log(
        `\nStored in ${db}. Query it: lyceum report --db ${shellWord(db)} --run ${runId} --format csv` +
          `\nBrowse it: lyceum view --db ${shellWord(db)}`,
      )
    }),
).pipe(
  Command.withDescription(
    "run a scenario of any coalition kind, record everything in the database and print its results",
  ),
)
