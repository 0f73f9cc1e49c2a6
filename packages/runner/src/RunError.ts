import { Data } from "effect"

/** A run that started and then could not finish; what it completed is in the database. */
export class RunFailed extends Data.TaggedError("RunFailed")<{
  readonly runId: string
  readonly db: string
  readonly status: "failed" | "stopped"
  readonly reason: string
}> {
  override get message(): string {
    return (
      `run ${this.runId} ${this.status}: ${this.reason}. Every round finished before that is saved in ` +
      `${this.db} (see: lyceum report --db ${this.db} --run ${this.runId}); continue the run with: ` +
      `lyceum run SCENARIO --db ${this.db} --resume ${this.runId}`
    )
  }
}
