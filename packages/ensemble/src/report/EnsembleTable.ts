import { deriveSeed } from "@lyceum/core"
import {
  col,
  groupBy,
  type KindTable,
  mean,
  measured,
  type PermutationTestResult,
  pairedPermutationTest,
  type ReportTable,
  standardError,
} from "@lyceum/report"
import { Effect } from "effect"
import { type MatchedItem, matchedItems, type SummaryRow, summaryRows } from "./Rows.js"

/** One task × method (aggregator) of a run, over its repeats. */
export interface EnsembleLine {
  readonly task: string
  readonly method: string
  readonly repeats: number
  /** Items answered, over all repeats. */
  readonly items: number
  /** The coalition's accuracy: mean over repeats, and its SEM (undefined for one repeat). */
  readonly accuracy: number
  readonly sem: number | undefined
  /** The best single proposer's accuracy (each repeat's best), and which agents those were, most often first. */
  readonly bestSingle: number | undefined
  readonly bestAgents: ReadonlyArray<string>
  readonly oracle: number
  readonly meanProposer: number | undefined
  readonly callsPerItem: number
  readonly tokensPerItem: number
  readonly costPerItem: number
  /** Judge: share of pairs whose winner changed when the order was swapped; undefined for other methods. */
  readonly flipRate: number | undefined
  /** Coalition vs each repeat's best single proposer on the items both answered, pooled over repeats. */
  readonly test: PermutationTestResult | undefined
}

const meanOf = (values: ReadonlyArray<number | null>): number | undefined => {
  const present = values.filter((v): v is number => v !== null)
  return present.length === 0 ? undefined : mean(present)
}

/** The agents that were best, the one best in most repeats first (ties by name). */
const bestAgentsOf = (rows: ReadonlyArray<SummaryRow>): Array<string> => {
  const counts = new Map<string, number>()
  for (const r of rows)
    if (r.best_agent !== null) counts.set(r.best_agent, (counts.get(r.best_agent) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([agent]) => agent)
}

const cohortKey = (task: string, method: string) => `${task}\u0000${method}`

/**
 * The ensemble table's lines: one per task and method, each repeat one value (the view's per-cohort numbers),
 * then means over repeats. The paired permutation test's sign flips are seeded by task and method, so a
 * report is reproducible and adding a method changes no other p-value.
 */
export const ensembleLines = (
  summary: ReadonlyArray<SummaryRow>,
  matched: ReadonlyArray<MatchedItem>,
): Array<EnsembleLine> => {
  const pairsOf = groupBy(matched, (m) => cohortKey(m.task, m.method))
  return [...groupBy(summary, (r) => cohortKey(r.task, r.method)).values()].map((rows) => {
    const { task, method } = rows[0]!
    const pairs = (pairsOf.get(cohortKey(task, method)) ?? []).map((m) => [m.coalition, m.best] as const)
    const accuracies = rows.map((r) => r.accuracy)
    return {
      task,
      method,
      repeats: rows.length,
      items: rows.reduce((sum, r) => sum + r.items, 0),
      accuracy: mean(accuracies),
      sem: standardError(accuracies),
      bestSingle: meanOf(rows.map((r) => r.best_single)),
      bestAgents: bestAgentsOf(rows),
      oracle: mean(rows.map((r) => r.oracle)),
      meanProposer: meanOf(rows.map((r) => r.mean_proposer)),
      callsPerItem: mean(rows.map((r) => r.calls_per_item)),
      tokensPerItem: mean(rows.map((r) => r.tokens_per_item)),
      costPerItem: mean(rows.map((r) => r.cost_per_item)),
      flipRate: meanOf(rows.map((r) => r.flip_rate)),
      test:
        pairs.length === 0
          ? undefined
          : pairedPermutationTest(pairs, { seed: deriveSeed(0, "ensemble", task, method) }),
    }
  })
}

const NOTES = [
  "accuracy ± sem: the coalition's accuracy, one value per repeat, mean and standard error over repeats.",
  "best_single: each repeat's most accurate proposer (best_agent: which, most often first); oracle: some",
  "proposer was right; mean_proposer: the proposers' mean. calls / tokens / cost: per item, all agents.",
  "flip_rate: judge only, pairs whose winner changed when the answers' order was swapped.",
  "p_value: paired permutation test of the coalition against each repeat's best proposer on the same items",
  "(pairs, pooled over repeats; mean_difference = coalition − best single); significant: p < 0.05.",
]

export const ensembleTableReport = (lines: ReadonlyArray<EnsembleLine>): ReportTable => ({
  table: "ensemble",
  columns: [
    col.text("task"),
    col.text("method"),
    col.integer("repeats"),
    col.integer("items"),
    col.real("accuracy"),
    col.real("sem"),
    col.real("best_single"),
    col.text("best_agent", 24),
    col.real("oracle"),
    col.real("mean_proposer"),
    col.real("calls_per_item", 2),
    col.real("tokens_per_item", 1),
    col.real("cost_per_item", 6),
    col.real("flip_rate"),
    col.integer("pairs"),
    col.real("mean_difference"),
    col.real("p_value", 4),
    col.flag("significant"),
  ],
  rows: lines.map((l) => [
    l.task,
    l.method,
    l.repeats,
    l.items,
    measured(l.accuracy),
    measured(l.sem),
    measured(l.bestSingle),
    l.bestAgents.length === 0 ? null : l.bestAgents.join(", "),
    measured(l.oracle),
    measured(l.meanProposer),
    measured(l.callsPerItem),
    measured(l.tokensPerItem),
    measured(l.costPerItem),
    measured(l.flipRate),
    l.test?.pairs ?? null,
    measured(l.test?.meanDifference),
    measured(l.test?.pValue),
    l.test === undefined ? null : l.test.pValue < 0.05,
  ]),
  notes: NOTES,
})

export const ensembleLinesOf = (runId: string) =>
  Effect.zipWith(summaryRows(runId), matchedItems(runId), ensembleLines)

export const ensembleTable: KindTable = {
  name: "ensemble",
  description:
    "per task × aggregator: the coalition's accuracy ± SEM against the best single proposer, the oracle and " +
    "the mean proposer, calls/tokens/cost per item, the judge's flip rate, and a paired permutation test",
  read: (runId) =>
    Effect.map(ensembleLinesOf(runId), (lines) => ({
      model: ensembleTableReport(lines),
      empty: "(no ensemble items stored yet)",
      views: [],
    })),
}
