import type { ActorAddress } from "@lyceum/actors"
import { UsageSnapshot } from "@lyceum/models"
import { Schema } from "effect"

/**
 * What a coordinator says to the `lyceum worker` processes of a run. A worker receives the scenario text and
 * derives everything else (data, partitions, canary, models) from it and the seed, as the coordinator does, so
 * only indexes cross the wire.
 */

/** A worker could not do what it was asked; `message` says why, naming the worker. */
export class WorkerFailed extends Schema.TaggedError<WorkerFailed>()("WorkerFailed", {
  worker: Schema.String,
  message: Schema.String,
}) {}

/**
 * One cohort of a run: the scenario as the coordinator read it, and which repeat, task (index) and variant
 * (index into the kind's variants) — the worker derives the `CohortId` from them as the coordinator does.
 */
export const CohortKey = Schema.Struct({
  runId: Schema.String,
  /** The scenario's path as the coordinator resolved it: datasets are read relative to it. */
  scenarioFile: Schema.String,
  scenarioText: Schema.String,
  seed: Schema.Int,
  repeat: Schema.Int.pipe(Schema.nonNegative()),
  task: Schema.Int.pipe(Schema.nonNegative()),
  variant: Schema.Int.pipe(Schema.nonNegative()),
  /** What a resumed run spent before: the worker's models are held to what is left of the budget. */
  spent: Schema.Struct({ tokens: Schema.Number, costUsd: Schema.Number }),
  /**
   * The score mode each probed `openai` model is used with (the coordinator's capability probe), so workers
   * score as the coordinator decided without probing again. Absent from an older coordinator: as declared.
   */
  scores: Schema.optionalWith(
    Schema.Record({ key: Schema.String, value: Schema.Literal("auto", "completions", "chat", "none") }),
    { exact: true },
  ),
})
export type CohortKey = typeof CohortKey.Type

/** Host these agents of the cohort (indexes by role, as the kind's `hosts` gives them) until `ReleaseAgents`. */
export class HostAgents extends Schema.TaggedRequest<HostAgents>()("HostAgents", {
  failure: WorkerFailed,
  success: Schema.Void,
  payload: {
    cohort: CohortKey,
    hosted: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Int.pipe(Schema.nonNegative())) }),
  },
}) {}

/** Stop the cohort's agents (their addresses are reused by the next cohort). */
export class ReleaseAgents extends Schema.TaggedRequest<ReleaseAgents>()("ReleaseAgents", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { cohort: CohortKey },
}) {}

/** Forget a finished run: its models and metering are released. */
export class FinishRun extends Schema.TaggedRequest<FinishRun>()("FinishRun", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: { runId: Schema.String },
}) {}

/** The cumulative model usage of a run's agents on this worker (empty if it hosted none). */
export class ReportUsage extends Schema.TaggedRequest<ReportUsage>()("ReportUsage", {
  failure: Schema.Never,
  // Metering's own Schema: every counter it keeps (retries, timeouts, faults by kind...) crosses the wire.
  success: Schema.OptionFromNullOr(UsageSnapshot),
  payload: { runId: Schema.String },
}) {}

/** Are you there? Answers who and where. */
export class Ping extends Schema.TaggedRequest<Ping>()("Ping", {
  failure: Schema.Never,
  success: Schema.Struct({ worker: Schema.String, host: Schema.String, pid: Schema.Int }),
  /** The run whose coordinator is asking: a worker forgets a run it has not heard of for a while. */
  payload: { runId: Schema.optional(Schema.String) },
}) {}

export const WorkerProtocol = Schema.Union(HostAgents, ReleaseAgents, FinishRun, Ping)

/** What a worker's heartbeat actor answers: quick questions that must not wait behind a cohort's set-up. */
export const HeartbeatProtocol = Schema.Union(Ping, ReportUsage)

/** Where a worker listens: outside every run, so one worker serves run after run. */
export const workerAddress = (name: string): ActorAddress => ({
  run: "lyceum-workers",
  kind: "worker",
  id: name,
})

/** A worker's heartbeat actor (`HeartbeatProtocol`): not queued behind a cohort being set up. */
export const heartbeatAddress = (name: string): ActorAddress => ({
  run: "lyceum-workers",
  kind: "heartbeat",
  id: name,
})
