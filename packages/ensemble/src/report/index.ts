import type { KindReport } from "@lyceum/report"
import { cascadeTable } from "./CascadeTable.js"
import { ensembleTable } from "./EnsembleTable.js"
import { frontierTable } from "./FrontierTable.js"
import { ensembleSections } from "./Html.js"
import { proposersTable } from "./ProposersTable.js"

export * from "./CascadeTable.js"
export * from "./EnsembleTable.js"
export * from "./FrontierTable.js"
export * from "./Html.js"
export * from "./ProposersTable.js"
export * from "./Rows.js"
export * from "./RunOrder.js"

/** The ensemble kind's report: `ensemble` (the default), `proposers`, `cascade`, `frontier`, and its HTML sections. */
export const ensembleReport: KindReport = {
  tables: [ensembleTable, proposersTable, cascadeTable, frontierTable],
  html: ensembleSections,
}
