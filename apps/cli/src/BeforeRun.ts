import { existsSync } from "node:fs"
import { kindNamed } from "@lyceum/kinds"
import {
  formatPlannedWork,
  needsConfirmation,
  type PlannedWork,
  preflight,
  probeRunEndpoints,
} from "@lyceum/runner"
import { Limits, type LoadedScenario } from "@lyceum/scenario"
import { Data, Effect } from "effect"

/** A large scenario started without `--yes` or a budget: nothing ran, nothing was written. */
export class LargeRunNotConfirmed extends Data.TaggedError("LargeRunNotConfirmed")<{
  readonly file: string
  readonly plan: PlannedWork
}> {
  override get message() {
    return (
      `${this.file} plans ${formatPlannedWork(this.plan)}. Nothing was started. Run it with --yes, or add a ` +
      "budget to the scenario (budget: { maxTokens: N } or { maxCostUsd: N }) to stop it cleanly when spent"
    )
  }
}

/** `--resume` of a run in a database that does not exist: said without creating the file. */
export class NoDatabaseToResume extends Data.TaggedError("NoDatabaseToResume")<{
  readonly db: string
  readonly runId: string
}> {
  override get message() {
    return `cannot resume run ${this.runId}: there is no database at ${this.db} (give the --db the run was started with; lyceum runs --db FILE lists its runs)`
  }
}

/** A `--seed` a scenario could not hold (scenarios' seeds are 32-bit, see Limits in @lyceum/scenario). */
export class InvalidSeed extends Data.TaggedError("InvalidSeed")<{ readonly seed: number }> {
  override get message() {
    return `--seed: expected a non-negative integer up to ${Limits.seed} (seeds are 32-bit), got ${this.seed}`
  }
}

/**
 * Everything `lyceum run` checks before it opens the database, so an invalid scenario, an unconfirmed large
 * one, or a resume of a run that cannot exist leaves no database file behind: the data files (preflight),
 * the planned work, the database a resume needs, and what the scenario measures against what its endpoints
 * really do (the capability probe, `probeRunEndpoints`).
 */
export const checkBeforeRun = (
  loaded: LoadedScenario,
  options: {
    readonly seed: number | undefined
    readonly yes: boolean
    readonly db: string
    readonly resume: string | undefined
  },
) =>
  Effect.gen(function* () {
    const { seed } = options
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= Limits.seed))
      return yield* new InvalidSeed({ seed })
    const { plan, tasks } = yield* preflight(loaded, { seed })
    if (needsConfirmation(plan, loaded.scenario) && !options.yes)
      return yield* new LargeRunNotConfirmed({ file: loaded.file, plan })
    if (options.resume !== undefined && !existsSync(options.db))
      return yield* new NoDatabaseToResume({ db: options.db, runId: options.resume })
    // What each endpoint really does; a measurement one cannot make is refused here, before any spending.
    const kind = yield* kindNamed(loaded.scenario.kind)
    const probed = yield* probeRunEndpoints(loaded, kind, process.env, tasks)
    // The data as loaded, for the run to reuse (it reads the files once), and the probe, so it is taken once.
    return { plan, prepared: { seed: seed ?? loaded.scenario.seed, tasks }, probed }
  })
