import { type HtmlSection, htmlTable } from "@lyceum/report"
import type { RunRow, Store, StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { cascadeReport, deferralLines } from "./CascadeTable.js"
import { ensembleLinesOf, ensembleTableReport } from "./EnsembleTable.js"
import { frontierReport, frontierSvgs } from "./FrontierTable.js"
import { proposerLines, proposersReport } from "./ProposersTable.js"
import { deferralRows, frontierRows, proposerRows } from "./Rows.js"

/**
 * The ensemble sections of a run's HTML page: the coalition against its proposers, every proposer, the
 * accuracy-cost frontier as charts, and the cascades' deferral when the run has a cascade.
 */
export const ensembleSections = (run: RunRow): Effect.Effect<ReadonlyArray<HtmlSection>, StoreError, Store> =>
  Effect.gen(function* () {
    const lines = yield* ensembleLinesOf(run.id)
    if (lines.length === 0) return [{ title: "Ensembles", body: "<p>No ensemble items stored yet.</p>" }]
    const frontier = yield* frontierRows(run.id)
    const deferrals = deferralLines(yield* deferralRows(run.id))
    return [
      { title: "Ensembles", body: htmlTable(ensembleTableReport(lines), "") },
      {
        title: "Proposers",
        body: htmlTable(proposersReport(proposerLines(yield* proposerRows(run.id))), "(none)"),
      },
      {
        title: "Accuracy and cost",
        body: frontierSvgs(frontier).join("") + htmlTable(frontierReport(frontier), ""),
      },
      ...(deferrals.length === 0
        ? []
        : [{ title: "Cascade deferral", body: htmlTable(cascadeReport(deferrals), "") }]),
    ]
  })
