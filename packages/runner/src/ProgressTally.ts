import { type CohortId, cohortName } from "@lyceum/coalition"
import type { ProgressEvent } from "./Progress.js"

/** Where one cohort is, as its progress events tell it. */
export interface CohortTally {
  readonly name: string
  /** Steps of it written by this invocation. */
  stepsDone: number
  readonly steps: number
  /** The last step written (-1 before the first). */
  lastStep: number
  /** A kind's latest word on the step under way (`StepNote`), cleared when the step is written. */
  note: string | undefined
  finished: boolean
}

/**
 * What a run's progress events add up to, for a live view: the run's totals and each cohort's place. Built by
 * `tallyEvent`, one event at a time, in constant time per event (the runner's events stay cheap to consume).
 */
export interface ProgressTally {
  runId: string
  scenario: string
  kind: string
  /** Steps of each cohort. */
  steps: number
  /** Cohorts of the whole run (every repeat), this invocation's and those a resume kept. */
  cohorts: number
  /** Steps done and to do by this invocation, as the runner counts them (`RoundFinished.done/total`). */
  done: number
  total: number
  /** Model calls, tokens, dollars and cache hits of the run so far; cache hits undefined when unknown. */
  modelCalls: number
  tokens: number
  costUsd: number
  cacheHits: number | undefined
  /** Sums over the steps written so far. */
  retries: number
  timeouts: number
  errors: number
  /** Planned steps a cohort that ended early will not play: they make `total` smaller. */
  skipped: number
  /** Clock readings (ms): the run's start, the last written step. */
  startedAt: number
  lastStepAt: number
  /** The run's elapsed time as the runner measured it at the last step (or its end). */
  elapsedMs: number
  /** Set when the run is over. */
  status: string | undefined
  /** In the order their first event came. */
  readonly cohortsById: Map<string, CohortTally>
}

export const emptyTally = (now: number): ProgressTally => ({
  runId: "",
  scenario: "",
  kind: "",
  steps: 0,
  cohorts: 0,
  done: 0,
  total: 0,
  modelCalls: 0,
  tokens: 0,
  costUsd: 0,
  cacheHits: undefined,
  retries: 0,
  timeouts: 0,
  errors: 0,
  skipped: 0,
  startedAt: now,
  lastStepAt: now,
  elapsedMs: 0,
  status: undefined,
  cohortsById: new Map(),
})

const cohortOf = (tally: ProgressTally, id: CohortId, steps: number | undefined): CohortTally => {
  const name = cohortName(id)
  let cohort = tally.cohortsById.get(name)
  if (cohort === undefined) {
    cohort = {
      name,
      stepsDone: 0,
      steps: steps ?? tally.steps,
      lastStep: -1,
      note: undefined,
      finished: false,
    }
    tally.cohortsById.set(name, cohort)
  }
  return cohort
}

/** Adds one event to the tally (in place); `now` is the clock when it arrived. */
export const tallyEvent = (tally: ProgressTally, event: ProgressEvent, now: number): ProgressTally => {
  switch (event._tag) {
    case "RunStarted":
      tally.runId = event.runId
      tally.scenario = event.scenario
      tally.kind = event.kind
      tally.steps = event.steps
      tally.cohorts = event.cohorts * event.repeats
      // Until the first step says how many this invocation plays (a resume plays fewer): all of them.
      tally.total = tally.cohorts * event.steps
      tally.startedAt = now
      tally.lastStepAt = now
      break
    case "StepNote":
      cohortOf(tally, event.cohort, event.steps).note = event.text
      break
    case "RoundFinished": {
      const cohort = cohortOf(tally, event.cohort, event.steps)
      cohort.stepsDone++
      cohort.lastStep = event.round
      cohort.note = undefined
      if (event.final === true) tally.skipped += cohort.steps - 1 - event.round
      cohort.finished = event.final === true || event.round >= cohort.steps - 1
      tally.done = event.done
      tally.total = event.total
      tally.modelCalls = event.modelCalls
      tally.tokens = event.tokens
      if (event.costUsd !== undefined) tally.costUsd = event.costUsd
      if (event.cacheHits !== undefined) tally.cacheHits = event.cacheHits
      tally.retries += event.retries
      tally.timeouts += event.timeouts
      tally.errors += event.errors
      tally.elapsedMs = event.elapsedMs
      tally.lastStepAt = now
      break
    }
    case "RunFinished":
      tally.status = event.status
      tally.elapsedMs = event.elapsedMs
      break
  }
  return tally
}

/** The cohorts this invocation plays: its steps to do (before any cohort ended early) over the steps of one. */
const cohortsPlayed = (tally: ProgressTally) =>
  tally.steps === 0 ? 0 : Math.round((tally.total + tally.skipped) / tally.steps)

/** Cohorts finished, under way and not started yet by this invocation; `kept`: finished by an earlier one. */
export const cohortCounts = (tally: ProgressTally) => {
  let finished = 0
  let running = 0
  for (const cohort of tally.cohortsById.values()) {
    if (cohort.finished) finished++
    else running++
  }
  const played = tally.total === 0 ? tally.cohorts : cohortsPlayed(tally)
  return {
    finished,
    running,
    waiting: Math.max(0, played - finished - running),
    kept: Math.max(0, tally.cohorts - played),
  }
}

/** Time since the run started, by the clock; the runner's own count once it is over. */
export const elapsedAt = (tally: ProgressTally, now: number) =>
  tally.status !== undefined ? tally.elapsedMs : Math.max(0, now - tally.startedAt)

/**
 * Time left, from the measured rate of this invocation (steps written per millisecond since the run started),
 * counted down between steps; undefined before the first step, 0 once every step is written.
 */
export const etaAt = (tally: ProgressTally, now: number): number | undefined => {
  if (tally.status !== undefined || (tally.total > 0 && tally.done >= tally.total)) return 0
  if (tally.done === 0 || tally.elapsedMs <= 0) return undefined
  const perStep = tally.elapsedMs / tally.done
  return Math.max(0, perStep * (tally.total - tally.done) - (now - tally.lastStepAt))
}
