import { variantOf } from "@lyceum/coalition"
import { col, groupBy, type KindTable, mean, measured, type ReportTable, standardError } from "@lyceum/report"
import { Effect } from "effect"
import { type DeferralRow, deferralRows } from "./Rows.js"

/** A cascade's threshold, from its method label `cascade@<tau>` (or `<name>@<tau>`; names hold no `@`). */
export const thresholdOf = (method: string): number | undefined => {
  // A swept run's method ends with its point (`cascade@0.8@p1`): the threshold is before it.
  const match = /@(\d*\.?\d+(?:e[-+]?\d+)?)$/.exec(variantOf(method))
  return match === null ? undefined : Number(match[1])
}

/** One stage of one cascade (task, method = threshold) over repeats. */
export interface DeferralLine {
  readonly task: string
  readonly method: string
  readonly threshold: number | undefined
  readonly stage: number
  readonly agent: string
  readonly repeats: number
  /** Items that reached the stage and those it passed on, over all repeats. */
  readonly reached: number
  readonly deferred: number
  /** The stage's deferral rate: one value per repeat, mean and SEM over repeats. */
  readonly rate: number
  readonly sem: number | undefined
}

/**
 * The deferral lines of the cascades: only methods that carry a threshold, so other multi-stage methods
 * (moa's layers, stored as stages too) are not read as deferrals.
 */
export const deferralLines = (rows: ReadonlyArray<DeferralRow>): Array<DeferralLine> =>
  [...groupBy(rows, (r) => `${r.task}\u0000${r.method}\u0000${r.stage}`).values()].flatMap((group) => {
    const { task, method, stage } = group[0]!
    const threshold = thresholdOf(method)
    if (threshold === undefined) return []
    const rates = group.map((r) => r.deferral_rate)
    return [
      {
        task,
        method,
        threshold,
        stage,
        agent: [...new Set(group.map((r) => r.agent))].join("/"),
        repeats: group.length,
        reached: group.reduce((sum, r) => sum + r.reached, 0),
        deferred: group.reduce((sum, r) => sum + r.deferred, 0),
        rate: mean(rates),
        sem: standardError(rates),
      },
    ]
  })

export const cascadeReport = (lines: ReadonlyArray<DeferralLine>): ReportTable => ({
  table: "cascade",
  columns: [
    col.text("task"),
    col.text("method"),
    col.real("threshold", 3),
    col.integer("stage"),
    col.text("agent"),
    col.integer("repeats"),
    col.integer("reached"),
    col.integer("deferred"),
    col.real("deferral_rate"),
    col.real("sem"),
  ],
  rows: lines.map((l) => [
    l.task,
    l.method,
    measured(l.threshold),
    l.stage,
    l.agent,
    l.repeats,
    l.reached,
    l.deferred,
    measured(l.rate),
    measured(l.sem),
  ]),
  notes: [
    "per cascade threshold and stage: reached / deferred are items over all repeats (deferred: the stage's",
    "confidence stayed below the threshold, so the next stage answered); deferral_rate ± sem: one value per",
    "repeat (deferred / reached), mean and standard error over the repeats in which items reached the stage.",
  ],
})

export const cascadeTable: KindTable = {
  name: "cascade",
  description: "each cascade stage's deferral rate per threshold",
  read: (runId) =>
    Effect.map(deferralRows(runId), (rows) => ({
      model: cascadeReport(deferralLines(rows)),
      empty: "(no cascade in this run)",
      views: [],
    })),
}
