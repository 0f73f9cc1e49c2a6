import { writeFileSync } from "node:fs"
import { Command, Options } from "@effect/cli"
import { shellWord } from "@lyceum/core"
import { kindNamed, kinds } from "@lyceum/kinds"
import { type ReportFormat, renderReport, reportFormats } from "@lyceum/report"
import { type RunRow, Store } from "@lyceum/store"
import { Console, Data, Effect, Option } from "effect"
import { openExistingStore } from "./OpenStore.js"
import { dbOption, verboseOption } from "./Options.js"

class NoRuns extends Data.TaggedError("NoRuns")<{ readonly db: string }> {
  override get message() {
    return `${this.db} holds no runs yet: run a scenario first (lyceum run SCENARIO --db ${shellWord(this.db)})`
  }
}

class CannotWrite extends Data.TaggedError("CannotWrite")<{ readonly file: string; readonly cause: string }> {
  override get message() {
    return `cannot write the report to ${this.file} (${this.cause}); choose another --out`
  }
}

class UnknownRun extends Data.TaggedError("UnknownRun")<{ readonly db: string; readonly runId: string }> {
  override get message() {
    return `no run "${this.runId}" in ${this.db}: omit --run for the latest, or list the runs with: lyceum runs --db ${shellWord(this.db)}`
  }
}

const runOption = Options.text("run").pipe(
  Options.withDescription("run id (default: the latest run in the database)"),
  Options.optional,
)
const formatOption = Options.choice("format", reportFormats).pipe(
  Options.withDescription(
    "table (text with charts), json, csv, or html: one self-contained page with every chart and table of the run",
  ),
  Options.withDefault("table"),
)
const outOption = Options.file("out").pipe(
  Options.withDescription("write the report (any format) to this file instead of standard output"),
  Options.optional,
)
/** Each kind's tables for --help: a run's kind decides which it has (its first is the default). */
const tablesHelp = kinds
  .map(
    (kind) =>
      `${kind.name} runs — ${kind.report.tables.map((t) => `${t.name}: ${t.description}`).join("; ")}`,
  )
  .join(". ")

const tableOption = Options.text("table").pipe(
  Options.withDescription(
    `which table of the run; each kind has its own, the first is the default. ${tablesHelp}`,
  ),
  Options.optional,
)

/**
 * A run's report in the format asked: its kind (from the registry) supplies the tables and HTML sections, the
 * report package renders them; a table the kind does not have fails naming the ones it has.
 */
export const renderRunReport = (options: {
  readonly format: ReportFormat
  readonly table: string | undefined
  readonly run: RunRow
  /** ANSI colours in the chart: only for a terminal, never into a file. */
  readonly color: boolean
}) => Effect.flatMap(kindNamed(options.run.kind), (kind) => renderReport({ ...options, report: kind.report }))

/** `lyceum report`: one table of a run as text (with its charts), JSON or CSV, or every section as HTML. */
export const reportCommand = Command.make(
  "report",
  {
    db: dbOption,
    run: runOption,
    format: formatOption,
    table: tableOption,
    out: outOption,
    verbose: verboseOption,
  },
  ({ db, run, format, table, out }) =>
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
      const output = yield* renderRunReport({
        format,
        table: Option.getOrUndefined(table),
        run: info,
        color: Option.isNone(out) && process.stdout.isTTY === true,
      })
      if (Option.isNone(out)) return yield* Effect.sync(() => void process.stdout.write(output))
      yield* Effect.try({
        try: () => writeFileSync(out.value, output),
        catch: (cause) => new CannotWrite({ file: out.value, cause: String(cause) }),
      })
      yield* Console.error(`wrote ${out.value}`)
    }).pipe(Effect.provide(openExistingStore(db))),
).pipe(
  Command.withDescription(
    "print a table of a run (the latest unless --run is given): text with charts, JSON, CSV, or an HTML page",
  ),
)
