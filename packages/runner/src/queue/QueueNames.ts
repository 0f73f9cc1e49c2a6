/**
 * The JetStream streams, consumers and subjects of the cohort work queue (`lyceum run --queue`). Fixed names:
 * the shipped per-role permissions (docs/nats/) grant exactly these.
 */

/** Units of work of every run: a work-queue stream, so a unit is gone once a worker acks it. */
export const workStream = "LYCEUM_WORK"
/** The steps' results of every run, until its coordinator has written and acked them. */
export const resultsStream = "LYCEUM_RESULTS"
/** The one durable pull consumer every worker fetches units from. */
export const workersConsumer = "lyceum-workers"

const workRoot = "lyceum-work"
const resultsRoot = "lyceum-results"
const controlRoot = "lyceum-work-control"

/** Which cohort of a run: indexes into the scenario's repeats, tasks and the kind's variants. */
export interface UnitIndex {
  readonly repeat: number
  readonly task: number
  readonly variant: number
}

/** A run id as one subject token and a consumer name: anything outside `[A-Za-z0-9_-]` becomes `_`. */
export const runToken = (runId: string): string => runId.replace(/[^A-Za-z0-9_-]/g, "_")

/** `r<repeat>-t<task>-v<variant>`: a unit's name in subjects, message ids and logs. */
export const unitToken = (unit: UnitIndex): string => `r${unit.repeat}-t${unit.task}-v${unit.variant}`

export const workSubjects = [`${workRoot}.>`] as const
export const resultsSubjects = [`${resultsRoot}.>`] as const

export const workSubject = (runId: string, unit: UnitIndex) =>
  `${workRoot}.${runToken(runId)}.${unitToken(unit)}`
/** Every unit of one run (purged when the run ends or is resumed). */
export const runWork = (runId: string) => `${workRoot}.${runToken(runId)}.>`

export const resultSubject = (runId: string, unit: UnitIndex) =>
  `${resultsRoot}.${runToken(runId)}.${unitToken(unit)}`
export const runResults = (runId: string) => `${resultsRoot}.${runToken(runId)}.>`
/** The coordinator's durable consumer of its run's results: a restarted coordinator resumes from it. */
export const resultsConsumer = (runId: string) => `results-${runToken(runId)}`

/** Where a coordinator says its run is over (core NATS): workers stop playing its units. */
export const controlSubject = (runId: string) => `${controlRoot}.${runToken(runId)}`
export const everyControl = `${controlRoot}.>`

/** A worker's inbox prefix: the units JetStream hands it arrive where only it may subscribe. */
export const workerInbox = (worker: string) => `_INBOX_${worker.replace(/[^A-Za-z0-9_-]/g, "_")}`
