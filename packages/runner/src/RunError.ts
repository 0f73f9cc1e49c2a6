import { shellWord } from "@lyceum/core"
import { Data } from "effect"
import { describeFailure } from "./Failure.js"

/** A run that started and then could not finish; what it completed is in the database. */
export class RunFailed extends Data.TaggedError("RunFailed")<{
  readonly runId: string
  readonly db: string
  /** The scenario file as it was given, for the command that continues the run. */
  readonly scenario: string
  readonly status: "failed" | "stopped"
  readonly reason: string
  /** How the run was spread (`--nats URL --queue`, passwords redacted), for the command that continues it. */
  readonly resumeFlags?: string
}> {
  /** The command that continues this run where it stopped. */
  get resumeCommand(): string {
    return (
      `lyceum run ${shellWord(this.scenario)} --db ${shellWord(this.db)}` +
      `${this.resumeFlags ? ` ${this.resumeFlags}` : ""} --resume ${this.runId}`
    )
  }

  override get message(): string {
    return (
      `run ${this.runId} ${this.status}: ${this.reason}. Every step finished before that is saved in ` +
      `${this.db} (see: lyceum report --db ${shellWord(this.db)} --run ${this.runId}); continue the run with: ` +
      this.resumeCommand
    )
  }
}

/** Something went wrong in one cohort; `cohort` is its name as the progress lines show it (`cohortName`). */
export class CohortFailed extends Data.TaggedError("CohortFailed")<{
  readonly cohort: string
  readonly cause: unknown
}> {
  override get message(): string {
    return `${this.cohort}: ${describeFailure(this.cause)}`
  }
}
