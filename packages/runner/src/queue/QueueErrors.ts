import { Data } from "effect"

/** A worker could not play a unit (its message says why); the run fails as it would have in one process. */
export class UnitFailed extends Data.TaggedError("UnitFailed")<{
  readonly unit: string
  readonly worker: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.unit} failed on worker ${this.worker}: ${this.reason}`
  }
}

/**
 * Two results for the same step of the same cohort that differ: one of them is forged, or the kind is not
 * deterministic. Nothing of the second was written; the run stops rather than keep either silently.
 */
export class ConflictingResults extends Data.TaggedError("ConflictingResults")<{
  readonly unit: string
  readonly step: number
  readonly applied: string
  readonly offered: string
}> {
  override get message(): string {
    return (
      `two different results for ${this.unit} step ${this.step} (${this.applied} was written; ${this.offered} ` +
      "differs): a process with publish rights on lyceum-results.> sent a forged result, or the kind is not " +
      "deterministic. Check who may publish there (docs/nats/), then resume the run"
    )
  }
}

/** The NATS server stayed unreachable longer than the run waits for it. */
export class NatsServerLost extends Data.TaggedError("NatsServerLost")<{
  readonly waitedMs: number
}> {
  override get message(): string {
    return (
      `the NATS server has been unreachable for ${Math.round(this.waitedMs / 1000)} s (--nats-loss-timeout): ` +
      "start it again (with the same JetStream store directory, so queued work and results survive), then resume"
    )
  }
}

/** The run's results stopped arriving for good (its consumer was deleted, the connection closed). */
export class ResultsEnded extends Data.TaggedError("ResultsEnded")<{ readonly left: number }> {
  override get message(): string {
    return `the run's results consumer stopped with ${this.left} cohort(s) unfinished; resume the run`
  }
}
