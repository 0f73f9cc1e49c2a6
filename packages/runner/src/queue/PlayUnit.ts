import { ActorSystem, LocalTransport } from "@lyceum/actors"
import { Metering } from "@lyceum/models"
import { Effect } from "effect"
import type { makeHostedRuns } from "../HostedRuns.js"
import { usageRows } from "../StepUsage.js"
import type { CohortKey } from "../WorkerProtocol.js"
import type { StepRows, WireSummary } from "./QueueMessages.js"

/** One played step as the worker reports it. */
export interface PlayedStep {
  readonly step: number
  readonly rows: StepRows
  readonly summary: typeof WireSummary.Type
  readonly final: boolean
}

/**
 * Plays one cohort whole, in this process, from its first step to its last: its agents talk in memory, so no
 * message of theirs crosses the bus. The cohort is derived from the scenario text and seed exactly as a
 * single-process run derives it (same spec, same agents, same seeds), so each step's rows are the ones that run
 * would store; `report` is called after each step, before the next starts.
 */
export const playUnit = <E, R>(
  hosted: ReturnType<typeof makeHostedRuns>,
  key: CohortKey,
  report: (played: PlayedStep) => Effect.Effect<void, E, R>,
) =>
  Effect.gen(function* () {
    const { run, spec, models } = yield* hosted.cohortFor(key)
    const { kind } = run
    const { scenario } = spec
    const steps = kind.steps(scenario)
    const metering = yield* Effect.provide(Metering, run.models)
    yield* Effect.gen(function* () {
      const system = yield* ActorSystem.make()
      const cohort = yield* kind.open(spec).pipe(Effect.provideService(ActorSystem, system))
      yield* kind.spawn(spec, kind.hosts(spec)).pipe(Effect.provideService(ActorSystem, system))
      let before = yield* metering.snapshot
      for (let step = 0; step < steps; step++) {
        const { rows, summary, final } = yield* cohort
          .play(step, { note: () => Effect.void })
          .pipe(Effect.withSpan("lyceum.step", { attributes: { "lyceum.step": step } }))
        const after = yield* metering.snapshot
        const modelUsage = usageRows(key.runId, spec.id, step, before, after)
        before = after
        // Rows are plain records; the coordinator checks them (StepReport, then the store) before writing.
        const wire = { ...rows, modelUsage } as unknown as StepRows
        yield* report({ step, rows: wire, summary, final: final === true })
        if (final === true) break
      }
    }).pipe(
      // Spans stay in the worker's process: a queued cohort's trace is the worker's own (run id as attribute).
      Effect.withSpan("lyceum.cohort", {
        attributes: {
          "lyceum.run_id": key.runId,
          "lyceum.repeat": spec.id.repeat,
          "lyceum.task": spec.id.task,
          "lyceum.method": spec.id.method,
        },
      }),
      Effect.annotateLogs({ runId: key.runId }),
      Effect.scoped,
      // The cohort's point's models, metered by the run's metering (`metering` above).
      Effect.provide(models),
      // Its own in-memory transport: the cohort's agents are all here, and nobody else's share it.
      Effect.provide(LocalTransport.layer()),
    )
  })
