import { type KindReport, tableNamed } from "@lyceum/report"
import { Store } from "@lyceum/store"
import { Effect, Option } from "effect"

/** What `lyceum run --format json` prints on stdout when the run is over: one document, read from the database. */
export interface RunJson {
  readonly runId: string
  readonly status: string
  /** Why a run failed or stopped; null when it completed. */
  readonly error: string | null
  readonly db: string
  readonly scenario: string
  readonly scenarioPath: string
  readonly kind: string
  readonly seed: number
  readonly startedAt: string
  readonly finishedAt: string | null
  /** This invocation's time, ms (a resumed run's earlier invocations not counted). */
  readonly elapsedMs: number
  /** Steps of each cohort (social learning: rounds, round 0 included). */
  readonly steps: number
  /** Cohorts (repeat × task × variant) the scenario plans. */
  readonly plannedCohorts: number
  /** Every cohort begun (over all invocations) with its steps written. */
  readonly cohorts: ReadonlyArray<{
    readonly repeat: number
    readonly task: string
    readonly method: string
    readonly stepsDone: number
  }>
  /** As stored in `model_usage` (what `lyceum runs` and `report` count). */
  readonly modelCalls: number
  readonly tokens: { readonly prompt: number; readonly completion: number; readonly total: number }
  readonly costUsd: number
  /** Requests answered from the response cache by this invocation; null when unknown (`--queue`). */
  readonly cacheHits: number | null
  /** The kind's default table (what `lyceum report --format json` shows): social learning, accuracy per round. */
  readonly results: {
    readonly table: string
    readonly columns: ReadonlyArray<string>
    readonly rows: ReadonlyArray<Record<string, unknown>>
  }
}

const USAGE = `SELECT COALESCE(SUM(calls), 0) AS calls, COALESCE(SUM(prompt_tokens), 0) AS prompt,
  COALESCE(SUM(completion_tokens), 0) AS completion, COALESCE(SUM(cost_usd), 0) AS cost
  FROM model_usage WHERE run_id = ?`
const COHORTS = `SELECT repeat, task, method, COUNT(*) AS done FROM cohort_steps WHERE run_id = ?
  GROUP BY repeat, task, method ORDER BY repeat, task, method`

/**
 * The run's JSON summary: its row, its cohorts, its stored usage and the kind's default table, from the same
 * store and report `lyceum report` reads (so both agree); the plan's counts and cache hits come from the
 * run's progress events (`ProgressTally`), which are all that know them.
 */
export const runJson = (options: {
  readonly runId: string
  readonly db: string
  readonly report: KindReport
  readonly steps: number
  readonly plannedCohorts: number
  readonly cacheHits: number | undefined
  readonly elapsedMs: number
}) =>
  Effect.gen(function* () {
    const store = yield* Store
    const run = Option.getOrThrowWith(
      yield* store.getRun(options.runId),
      () => new Error(`run ${options.runId} is not in ${options.db}`),
    )
    const [usage] = yield* store.query(USAGE, [run.id])
    const cohorts = (yield* store.query(COHORTS, [run.id])).map((r) => ({
      repeat: Number(r.repeat),
      task: String(r.task),
      method: String(r.method),
      stepsDone: Number(r.done),
    }))
    const table = yield* tableNamed(options.report, run.kind, undefined)
    const { model } = yield* table.read(run.id, { color: false })
    const prompt = Number(usage?.prompt ?? 0)
    const completion = Number(usage?.completion ?? 0)
    return {
      runId: run.id,
      status: run.status,
      error: run.error,
      db: options.db,
      scenario: run.scenarioName,
      scenarioPath: run.scenarioPath,
      kind: run.kind,
      seed: run.seed,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      elapsedMs: options.elapsedMs,
      steps: options.steps,
      plannedCohorts: options.plannedCohorts,
      cohorts,
      modelCalls: Number(usage?.calls ?? 0),
      tokens: { prompt, completion, total: prompt + completion },
      costUsd: Number(usage?.cost ?? 0),
      cacheHits: options.cacheHits ?? null,
      results: {
        table: model.table,
        columns: model.columns.map((c) => c.name),
        rows: model.rows.map((row) =>
          Object.fromEntries(model.columns.map((c, i) => [c.name, row[i] ?? null])),
        ),
      },
    } satisfies RunJson
  })
