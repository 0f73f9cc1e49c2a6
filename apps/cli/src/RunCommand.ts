import { Args, Command, Options } from "@effect/cli"
import { NatsTransport } from "@lyceum/nats"
import { formatCurvePlot, formatCurveTable, summarizeCurve } from "@lyceum/report"
import { ConsoleProgress, runScenario } from "@lyceum/runner"
import { loadScenario } from "@lyceum/scenario"
import { Store } from "@lyceum/store"
import { Console, Effect, Option } from "effect"
import { dbOption, verboseOption } from "./Options.js"
import { version } from "./version.js"

const scenario = Args.file({ name: "scenario", exists: "yes" }).pipe(
  Args.withDescription("scenario file (YAML)"),
)
const nats = Options.text("nats").pipe(
  Options.withDescription(
    "run the agents over NATS at this server URL (e.g. nats://127.0.0.1:4222) instead of in process",
  ),
  Options.optional,
)
const seed = Options.integer("seed").pipe(
  Options.withDescription("override the scenario's seed"),
  Options.optional,
)

/** `lyceum run SCENARIO`: plays the scenario, stores everything, prints the learning curve. */
export const runCommand = Command.make(
  "run",
  { scenario, db: dbOption, seed, nats, verbose: verboseOption },
  ({ scenario, db, seed, nats }) =>
    Effect.gen(function* () {
      const loaded = yield* loadScenario(scenario)
      const result = yield* runScenario({
        loaded,
        seed: Option.getOrUndefined(seed),
        versions: { lyceum: version, node: process.version },
        ...(Option.isSome(nats) && {
          transport: NatsTransport.layer({ nats: { servers: [nats.value], name: "lyceum-run" } }),
        }),
      })
      const points = summarizeCurve(result.learningCurve)
      yield* Console.log(`\nLearning curve · run ${result.runId} (stored in ${db})\n`)
      yield* Console.log(formatCurveTable(points))
      yield* Console.log(`\n${formatCurvePlot(points, { color: process.stdout.isTTY })}`)
      yield* Console.log(`\nQuery it: lyceum report --db ${db} --run ${result.runId} --format csv`)
    }).pipe(Effect.provide([Store.layer({ filename: db }), ConsoleProgress.layer])),
).pipe(Command.withDescription("run a scenario and record its learning curves in the database"))
