import { writeFileSync } from "node:fs"
import { Command, Options } from "@effect/cli"
import { shellWord } from "@lyceum/core"
import {
  htmlReport,
  type ReportTableName,
  reportTables,
  runReport,
  tableToCsv,
  tableToJson,
  tableToText,
} from "@lyceum/report"
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
const formatOption = Options.choice("format", ["table", "json", "csv", "html"]).pipe(
  Options.withDescription(
    "table (text with charts), json, csv, or html: one self-contained page with every chart and table of the run",
  ),
  Options.withDefault("table"),
)
const outOption = Options.file("out").pipe(
  Options.withDescription("write the report (any format) to this file instead of standard output"),
  Options.optional,
)
const tableOption = Options.choice("table", reportTables).pipe(
  Options.withDescription(
    "curve: learning curves per round; table1: original vs generated per n with significance stars " +
      "(paper Table 1); table2: methods × tasks (paper Table 2); cultures: probe accuracy per culture and the gap; " +
      "leakage: Secret Sharer canary ranks, verbatim copies and normalised distance (paper Tables 3, 4, 6); " +
      "smuggling: an adversarial teacher's attempts per transform and what the filter did",
  ),
  Options.withDefault("curve"),
)

/**
 * The report as text in the format asked. Every table is one model (columns and rows) that each format
 * renders, so JSON, CSV and text carry the same columns; text adds charts under it; HTML is every table and
 * chart of the run on one page.
 */
export const renderReport = (
  format: "table" | "json" | "csv" | "html",
  table: ReportTableName,
  info: RunRow,
  /** ANSI colours in the chart: only for a terminal, never into a file. */
  color: boolean,
) =>
  Effect.gen(function* () {
    if (format === "html") return yield* htmlReport(info)
    const report = yield* runReport(table, info.id, { color })
    if (format === "json") return tableToJson(report.model, info)
    if (format === "csv") return tableToCsv(report.model)
    const heading = `Run ${info.id} · scenario ${info.scenarioName} · seed ${info.seed} · ${info.status}`
    return `${[heading, tableToText(report.model, report.empty), ...report.views]
      .filter((part) => part.length > 0)
      .join("\n\n")}\n`
  })

/** `lyceum report`: the learning curve of one run as a table (with a chart), JSON or CSV. */
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
      const output = yield* renderReport(
        format,
        table,
        info,
        Option.isNone(out) && process.stdout.isTTY === true,
      )
      if (Option.isNone(out)) return yield* Effect.sync(() => void process.stdout.write(output))
      yield* Effect.try({
        try: () => writeFileSync(out.value, output),
        catch: (cause) => new CannotWrite({ file: out.value, cause: String(cause) }),
      })
      yield* Console.error(`wrote ${out.value}`)
    }).pipe(Effect.provide(openExistingStore(db))),
).pipe(Command.withDescription("print the learning curve of a run (the latest unless --run is given)"))
