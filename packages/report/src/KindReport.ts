import type { RunRow, Store, StoreError } from "@lyceum/store"
import type { Effect } from "effect"
import type { RunReport } from "./RunReport.js"

/**
 * What a coalition kind offers `lyceum report`: its tables (each one model every format renders) and the
 * sections of its HTML page. The report package renders any kind's `KindReport` in text, JSON, CSV and HTML;
 * a kind only reads and shapes its rows.
 */

/** One table of a kind, as `lyceum report --table <name>` selects it. */
export interface KindTable {
  /** The `--table` value and the JSON's `table`: lower-case, no spaces. */
  readonly name: string
  /** One line for `lyceum report --help`: what a row is and what the table shows. */
  readonly description: string
  /**
   * Reads the table of one run. `color`: ANSI colours in its text charts (terminals only); `charts: false`:
   * the model without the text views (a caller that draws its own, `lyceum view`: a big run's text plot of
   * every student's curve costs more than reading it).
   */
  readonly read: (
    runId: string,
    options: { readonly color?: boolean; readonly charts?: boolean },
  ) => Effect.Effect<RunReport, StoreError, Store>
}

/** A section of the HTML page: a heading and its HTML (charts as inline SVG, tables as escaped text). */
export interface HtmlSection {
  readonly title: string
  /** Markup, already escaped: the page inserts it as is. */
  readonly body: string
}

export interface KindReport {
  /** The kind's tables; the first is the default of `--table`. */
  readonly tables: ReadonlyArray<KindTable>
  /**
   * What `lyceum run` prints when the run is over (social learning: the learning curve with its chart);
   * without it, the first table as text.
   */
  readonly afterRun?: (
    runId: string,
    options: { readonly color?: boolean },
  ) => Effect.Effect<string, StoreError, Store>
  /** The HTML page's sections for a run, in page order. */
  readonly html: (run: RunRow) => Effect.Effect<ReadonlyArray<HtmlSection>, StoreError, Store>
}
