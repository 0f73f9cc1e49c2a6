import { Command, Options } from "@effect/cli"
import { formatRunListings, runListings, runsReport, tableToCsv, tableToJson } from "@lyceum/report"
import { Console, Effect } from "effect"
import { openExistingStore } from "./OpenStore.js"
import { dbOption, verboseOption } from "./Options.js"

const formatOption = Options.choice("format", ["table", "json", "csv"]).pipe(Options.withDefault("table"))

/** `lyceum runs`: every run in the database, newest first, with how to continue the ones that stopped. */
export const runsCommand = Command.make(
  "runs",
  { db: dbOption, format: formatOption, verbose: verboseOption },
  ({ db, format }) =>
    Effect.gen(function* () {
      const rows = yield* runListings()
      // One model for every format: JSON and CSV carry the columns the table shows, the JSON as { run: null, table, columns, rows }.
      if (format === "json")
        return yield* Effect.sync(() => void process.stdout.write(tableToJson(runsReport(rows), null)))
      if (format === "csv")
        return yield* Effect.sync(() => void process.stdout.write(tableToCsv(runsReport(rows))))
      return yield* Console.log(formatRunListings(rows, db))
    }).pipe(Effect.provide(openExistingStore(db))),
).pipe(Command.withDescription("list the runs in the database, newest first"))
