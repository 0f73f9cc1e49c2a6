import { writeFileSync } from "node:fs"
import { Command, Options } from "@effect/cli"
import {
  canaryRanks,
  candidatesOf,
  cultureRows,
  cultureRowsToCsv,
  curveToCsv,
  formatCultureTable,
  formatCurvePlot,
  formatCurveTable,
  formatLeakageTable,
  formatRankStrips,
  formatSmugglingTable,
  formatTable1,
  formatTable2,
  htmlReport,
  leakageSummaries,
  leakageToCsv,
  paperTable1,
  paperTable2,
  paperTableRows,
  smugglingRows,
  smugglingToCsv,
  summarizeCurve,
  table1ToCsv,
  table2ToCsv,
} from "@lyceum/report"
import { type RunRow, Store } from "@lyceum/store"
import { Console, Data, Effect, Option } from "effect"
import { openExistingStore } from "./OpenStore.js"
import { dbOption, verboseOption } from "./Options.js"

class NoRuns extends Data.TaggedError("NoRuns")<{ readonly db: string }> {
  override get message() {
    return `${this.db} holds no runs yet: run a scenario first (lyceum run SCENARIO --db ${this.db})`
  }
}

class CannotWrite extends Data.TaggedError("CannotWrite")<{ readonly file: string; readonly cause: string }> {
  override get message() {
    return `cannot write the report to ${this.file} (${this.cause}); choose another --out`
  }
}

class UnknownRun extends Data.TaggedError("UnknownRun")<{ readonly db: string; readonly runId: string }> {
  override get message() {
    return `no run "${this.runId}" in ${this.db}: omit --run for the latest, or list the runs with: lyceum runs --db ${this.db}`
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
const tableOption = Options.choice("table", [
  "curve",
  "table1",
  "table2",
  "cultures",
  "leakage",
  "smuggling",
]).pipe(
  Options.withDescription(
    "curve: learning curves per round; table1: original vs generated per n with significance stars " +
      "(paper Table 1); table2: methods × tasks (paper Table 2); cultures: probe accuracy per culture and the gap; " +
      "leakage: Secret Sharer canary ranks, verbatim copies and normalised distance (paper Tables 3, 4, 6); " +
      "smuggling: an adversarial teacher's attempts per transform and what the filter did",
  ),
  Options.withDefault("curve"),
)

/** Rows as JSON, CSV or the table's text form. */
const shape = <A>(
  format: "table" | "json" | "csv" | "html",
  rows: A,
  csv: (rows: A) => string,
  text: (rows: A) => string,
): string => (format === "json" ? json(rows) : format === "csv" ? csv(rows) : `${text(rows)}\n`)

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/** The whole report as text in the format asked: HTML is every table and chart of the run on one page. */
const render = (
  format: "table" | "json" | "csv" | "html",
  table: "curve" | "table1" | "table2" | "cultures" | "leakage" | "smuggling",
  info: RunRow,
  /** ANSI colours in the chart: only for a terminal, never into a file. */
  color: boolean,
) =>
  Effect.gen(function* () {
    const runId = info.id
    if (format === "html") return yield* htmlReport(info)
    if (table === "leakage") {
      const summaries = yield* leakageSummaries(runId)
      const candidates = candidatesOf(summaries)
      const strips = candidates === undefined ? "" : formatRankStrips(yield* canaryRanks(runId), candidates)
      return shape(format, summaries, leakageToCsv, (rows) =>
        [formatLeakageTable(rows), strips].filter((part) => part.length > 0).join("\n\n"),
      )
    }
    if (table === "smuggling")
      return shape(format, yield* smugglingRows(runId), smugglingToCsv, formatSmugglingTable)
    if (table === "cultures")
      return shape(format, yield* cultureRows(runId), cultureRowsToCsv, formatCultureTable)
    const heading = `Run ${info.id} · scenario ${info.scenarioName} · seed ${info.seed} · ${info.status}`
    if (table !== "curve") {
      const scores = yield* paperTableRows(runId)
      const shaped = table === "table1" ? paperTable1(scores) : paperTable2(scores)
      return shape(
        format,
        shaped,
        (t) => (t.kind === "table1" ? table1ToCsv(t) : table2ToCsv(t)),
        (t) => `${heading}\n\n${t.kind === "table1" ? formatTable1(t) : formatTable2(t)}`,
      )
    }
    const store = yield* Store
    const rows = yield* store.learningCurve(runId)
    if (format === "json") return json({ run: info, learningCurve: rows })
    if (format === "csv") return curveToCsv(rows)
    const points = summarizeCurve(rows)
    if (points.length === 0) return `${heading}\n(no evaluations recorded yet)\n`
    return `${heading}\n\n${formatCurveTable(points)}\n\n${formatCurvePlot(points, { color })}\n`
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
      const output = yield* render(format, table, info, Option.isNone(out) && process.stdout.isTTY === true)
      if (Option.isNone(out)) return yield* Effect.sync(() => void process.stdout.write(output))
      yield* Effect.try({
        try: () => writeFileSync(out.value, output),
        catch: (cause) => new CannotWrite({ file: out.value, cause: String(cause) }),
      })
      yield* Console.error(`wrote ${out.value}`)
    }).pipe(Effect.provide(openExistingStore(db))),
).pipe(Command.withDescription("print the learning curve of a run (the latest unless --run is given)"))
