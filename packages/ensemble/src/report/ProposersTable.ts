import { col, groupBy, type KindTable, mean, measured, type ReportTable, standardError } from "@lyceum/report"
import { Effect } from "effect"
import { type ProposerRow, proposerRows } from "./Rows.js"

/** One proposer on one task: its accuracy per repeat (over every aggregator's cohort), mean and SEM. */
export interface ProposerLine {
  readonly task: string
  readonly agent: string
  readonly model: string | null
  readonly repeats: number
  readonly items: number
  readonly accuracy: number
  readonly sem: number | undefined
}

export const proposerLines = (rows: ReadonlyArray<ProposerRow>): Array<ProposerLine> =>
  [...groupBy(rows, (r) => `${r.task}\u0000${r.agent}`).values()].map((group) => {
    const accuracies = group.map((r) => r.accuracy)
    return {
      task: group[0]!.task,
      agent: group[0]!.agent,
      model: group[0]!.model,
      repeats: group.length,
      items: group.reduce((sum, r) => sum + r.items, 0),
      accuracy: mean(accuracies),
      sem: standardError(accuracies),
    }
  })

export const proposersReport = (lines: ReadonlyArray<ProposerLine>): ReportTable => ({
  table: "proposers",
  columns: [
    col.text("task"),
    col.text("proposer"),
    col.text("model"),
    col.integer("repeats"),
    col.integer("items"),
    col.real("accuracy"),
    col.real("sem"),
  ],
  rows: lines.map((l) => [
    l.task,
    l.agent,
    l.model,
    l.repeats,
    l.items,
    measured(l.accuracy),
    measured(l.sem),
  ]),
  notes: [
    "accuracy ± sem: one value per repeat (the proposer's answers in every aggregator's cohort of that repeat),",
    "mean and standard error over repeats; items: answers graded, over all repeats.",
  ],
})

export const proposersTable: KindTable = {
  name: "proposers",
  description: "every proposer's accuracy per task (mean ± SEM over repeats)",
  read: (runId) =>
    Effect.map(proposerRows(runId), (rows) => ({
      model: proposersReport(proposerLines(rows)),
      empty: "(no proposer answers stored yet)",
      views: [],
    })),
}
