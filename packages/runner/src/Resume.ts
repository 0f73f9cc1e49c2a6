import { cohortRowKey } from "@lyceum/coalition"
import { type LoadedScenario, storedConfig } from "@lyceum/scenario"
import { type CohortRef, Store, type StoreError } from "@lyceum/store"
import { Data, Effect, Option, type Scope } from "effect"
import { holdLease, type Lease, type RunLeaseHeld, takeLease } from "./RunLease.js"
import type { Spent } from "./RunModels.js"

/** A run that cannot be continued as asked; the message says why and what to do. */
export class CannotResume extends Data.TaggedError("CannotResume")<{ readonly message: string }> {}

/** Where a resumed run picks up: its seed, the cohorts it finished, the tokens it already spent, its lease. */
export interface ResumePoint {
  readonly runId: string
  readonly seed: number
  /** `cohortRowKey` of every cohort whose every step is stored. */
  readonly finished: ReadonlySet<string>
  /**
   * Every token and dollar the run spent before: its stored steps, and what runs.discarded_* kept (steps a
   * stop cut short, cohorts a resume played again).
   */
  readonly spent: Spent
  /** Cohorts with rows that are not finished: deleted by `reopenForResume`. */
  readonly unfinished: ReadonlyArray<CohortRef>
  /** This process's lease on the run, held while the scope `resumePoint` ran in lasts. */
  readonly lease: Lease
}

/** The scenario as compared on resume: everything but the budget, which may be raised to continue. */
const comparable = (config: unknown): Record<string, unknown> => {
  const { budget: _budget, ...rest } = JSON.parse(JSON.stringify(config)) as Record<string, unknown>
  return rest
}

/**
 * Takes the run's lease (refused while another process plays it; from a dead holder only with `force`), then
 * checks, without changing anything else, that `runId` can continue with this scenario and seed, and finds the
 * cohorts it finished. A run still marked `running` that no live process holds was killed: it is taken over
 * only with `force`. The lease is held until the scope closes.
 */
export const resumePoint = (
  runId: string,
  loaded: LoadedScenario,
  options: {
    readonly seed?: number | undefined
    readonly force?: boolean | undefined
    /** Steps of each cohort (the kind's `steps`): a cohort with all of them stored is finished. */
    readonly steps: number
  },
): Effect.Effect<ResumePoint, CannotResume | RunLeaseHeld | StoreError, Store | Scope.Scope> =>
  Effect.gen(function* () {
    const store = yield* Store
    const force = options.force === true
    const read = store.getRun(runId).pipe(
      Effect.flatMap(
        Option.match({
          onNone: () =>
            new CannotResume({ message: `there is no run ${runId} in ${store.filename} to resume` }),
          onSome: Effect.succeed,
        }),
      ),
    )
    yield* read
    // Before reading what the run stored: whoever else might change it is now kept out.
    const lease = yield* holdLease(runId, (owner) => takeLease(runId, owner, force))
    const value = yield* read
    if (value.status === "completed")
      return yield* new CannotResume({ message: `run ${runId} is already complete; nothing to resume` })
    if (value.status === "running" && !force)
      return yield* new CannotResume({
        message:
          `run ${runId} is marked running, but no process holds its lease: the process that played it was ` +
          "killed (or was a Lyceum without leases). Resume with --force to continue it",
      })
    const seed = options.seed
    if (seed !== undefined && seed !== value.seed)
      return yield* new CannotResume({
        message: `run ${runId} was played with seed ${value.seed}, not ${seed}; drop --seed to resume it`,
      })
    const before = comparable(value.config)
    // A sweep is compared with its points: the `sweep:` and its first point (together they make every point).
    const now = comparable(storedConfig(loaded))
    const changed = [...new Set([...Object.keys(before), ...Object.keys(now)])].filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(now[key]),
    )
    if (changed.length > 0)
      return yield* new CannotResume({
        message:
          `${loaded.file} differs from the scenario run ${runId} was started with (${changed.join(", ")}); ` +
          "only the budget may change on resume: restore the file, or start a new run",
      })

    const cohorts = yield* store.cohortsOf(runId, options.steps)
    const finished = new Set(cohorts.finished.map(cohortRowKey))
    // What the stored steps used, and what earlier resumes discarded with the cohorts they played again.
    const spent: Spent = yield* store.spentBy(runId)
    const { maxTokens, maxCostUsd } = loaded.scenario.budget ?? {}
    if (maxTokens !== undefined && spent.tokens >= maxTokens)
      return yield* new CannotResume({
        message:
          `run ${runId} has spent ${spent.tokens} tokens of its budget of ${maxTokens}: raise budget.maxTokens ` +
          `above ${spent.tokens} in ${loaded.file} to continue it`,
      })
    if (maxCostUsd !== undefined && spent.costUsd >= maxCostUsd)
      return yield* new CannotResume({
        message:
          `run ${runId} has spent $${spent.costUsd.toFixed(4)} of its budget of $${maxCostUsd}: raise ` +
          `budget.maxCostUsd in ${loaded.file} to continue it`,
      })
    return { runId, seed: value.seed, finished, unfinished: cohorts.unfinished, spent, lease }
  })

/**
 * Deletes whatever the unfinished cohorts wrote (they are played again from their start, with the same seeds,
 * so the finished run is the one an uninterrupted run would have stored) and marks the run running again.
 */
export const reopenForResume = (point: ResumePoint): Effect.Effect<void, StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    for (const cohort of point.unfinished) yield* store.deleteCohort(point.runId, cohort)
    yield* store.reopenRun(point.runId)
  })
