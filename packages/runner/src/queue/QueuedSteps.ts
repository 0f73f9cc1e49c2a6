import type { StepResult } from "@lyceum/coalition"
import { BudgetExceeded, budgetExhaustion, type RunBudget } from "@lyceum/models"
import type { ModelUsageRow } from "@lyceum/store"
import { Effect } from "effect"
import { budgetLeft, type Spent } from "../RunModels.js"
import { usageTotals } from "../StepUsage.js"
import type { makeStepWriter } from "../StepWriter.js"
import type { AppliedStep, QueuedUnit } from "./QueueCoordinator.js"

/**
 * Writes the steps workers played, as the coordinator writes its own (`makeStepWriter`), and holds the run to
 * its budget over every worker's stored usage: a step that spends the rest stops the run after it is written.
 */
export const queuedStepWriter = (
  writeStep: ReturnType<typeof makeStepWriter>,
  budget: RunBudget | undefined,
  spentBefore: Spent,
) => {
  const left = budgetLeft(budget, spentBefore)
  const totals = { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 }
  return (
    unit: QueuedUnit,
    step: number,
    played: AppliedStep,
    playedBy: { readonly worker: string; readonly attempt: number },
  ) =>
    Effect.gen(function* () {
      const { modelUsage, ...rows } = played.rows
      // Checked as a StepReport, and each row's run and cohort by `foreignRow`; the store checks the rest.
      const usage = modelUsage as unknown as ReadonlyArray<ModelUsageRow>
      const used = usageTotals(usage)
      totals.calls += used.calls
      totals.promptTokens += used.promptTokens
      totals.completionTokens += used.completionTokens
      totals.costUsd += used.costUsd
      const result = {
        rows: rows as unknown as StepResult["rows"],
        summary: played.summary,
        ...(played.final !== undefined && { final: played.final }),
      }
      yield* writeStep(
        unit.id,
        step,
        result,
        usage,
        {
          calls: totals.calls,
          tokens: totals.promptTokens + totals.completionTokens,
          costUsd: totals.costUsd,
        },
        playedBy,
      )
      const spent = budgetExhaustion(totals, left)
      if (spent !== undefined)
        return yield* new BudgetExceeded({ message: `${spent} (Counted over all workers.)` })
    })
}
