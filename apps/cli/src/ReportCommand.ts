import { Command, Options } from "@effect/cli"
import { curveToCsv, formatCurveChart, formatCurveTable, summarizeCurve } from "@lyceum/report"
import { Store } from "@lyceum/store"
import { Console, Data, Effect, Option } from "effect"
import { openExistingStore } from "./OpenStore.js"
import { dbOption, verboseOption } from "./Options.js"

class NoRuns extends Data.TaggedError("NoRuns")<{ readonly db: string }> {
  override get message() {
    return `${this.db} holds no runs yet: run a scenario first (lyceum run SCENARIO --db ${this.db})`
  }
}

class UnknownRun extends Data.TaggedError("UnknownRun")<{ readonly db: string; readonly runId: string }> {
  override get message() {
    return `no run "${this.runId}" in ${this.db}: omit --run for the latest, or list runs with: sqlite3 ${this.db} "select id, scenario_name, status from runs"`
  }
}

const runOption = Options.text("run").pipe(
  Options.withDescription("run id (default: the latest run in the database)"),
  Options.optional,
)
const formatOption = Options.choice("format", ["table", "json", "csv"]).pipe(Options.withDefault("table"))

/** `lyceum report`: the learning curve of one run as a table (with a chart), JSON or CSV. */
export const reportCommand = Command.make(
  "report",
  { db: dbOption, run: runOption, format: formatOption, verbose: verboseOption },
  ({ db, run, format }) =>
    Effect.gen(function* () {
      const store = yield* Store
      const runId = Option.isSome(run)
        ? run.value
        : yield* store
            .latestRunId()
            .pipe(
              Effect.flatMap(
                Option.match({ onNone: () => Effect.fail(new NoRuns({ db })), onSome: Effect.succeed }),
              ),
            )
      const info = yield* store.getRun(runId).pipe(
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(new UnknownRun({ db, runId })),
            onSome: Effect.succeed,
          }),
        ),
      )
      const rows = yield* store.learningCurve(runId)
      if (format === "json") {
        return yield* Console.log(JSON.stringify({ run: info, learningCurve: rows }, null, 2))
      }
      if (format === "csv") return yield* Effect.sync(() => process.stdout.write(curveToCsv(rows)))
      const points = summarizeCurve(rows)
      yield* Console.log(
        `Run ${info.id} · scenario ${info.scenarioName} · seed ${info.seed} · ${info.status}`,
      )
      if (points.length === 0) return yield* Console.log("(no evaluations recorded yet)")
      yield* Console.log(`\n${formatCurveTable(points)}\n\n${formatCurveChart(points)}`)
    }).pipe(Effect.provide(openExistingStore(db))),
).pipe(Command.withDescription("print the learning curve of a run (the latest unless --run is given)"))
