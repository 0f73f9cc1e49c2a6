import { type CohortTally, cohortCounts, elapsedAt, etaAt, type ProgressTally } from "@lyceum/runner"

/** What the block may use of the terminal. */
export interface BoardSize {
  readonly columns: number
  readonly rows: number
}

const seconds = (ms: number) => {
  const s = Math.round(ms / 1000)
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`
  if (s < 3600) return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

const count = (n: number) =>
  n >= 1e6
    ? `${(n / 1e6).toFixed(1)}M`
    : n >= 10_000
      ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k`
      : String(n)

const dollars = (usd: number) =>
  `$${usd >= 100 ? usd.toFixed(0) : usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`

/** `████░░░░`: `width` cells, the done share filled. */
export const bar = (done: number, total: number, width: number) => {
  const cells = Math.max(1, width)
  const filled = total <= 0 ? 0 : Math.min(cells, Math.round((done / total) * cells))
  return `${"█".repeat(filled)}${"░".repeat(cells - filled)}`
}

/** Cuts a line to the terminal's width, so no line wraps and the block's height is its line count. */
const fit = (line: string, columns: number) =>
  line.length <= columns ? line : `${line.slice(0, Math.max(0, columns - 1))}…`

const cohortLine = (cohort: CohortTally, nameWidth: number, size: BoardSize) => {
  const oneStep = cohort.steps === 1
  const where = oneStep ? "" : ` ${cohort.stepsDone}/${cohort.steps}`
  const note = cohort.note === undefined ? "" : ` · ${cohort.note}`
  return fit(
    `  ${cohort.name.padEnd(nameWidth)} ${bar(cohort.stepsDone, cohort.steps, 12)}${where}${note}`,
    size.columns,
  )
}

/**
 * The live block: the run, an overall bar with steps, cohorts and times, the cohorts under way (as many as
 * fit the terminal, the rest counted), and the run's model calls, tokens, cost, cache hits and faults. Pure:
 * the same tally, clock and size give the same text (tested without a terminal).
 */
export const renderBoard = (tally: ProgressTally, now: number, size: BoardSize): string => {
  const counts = cohortCounts(tally)
  const eta = etaAt(tally, now)
  const head =
    `run ${tally.runId} · ${tally.scenario} (${tally.kind})` +
    (tally.status === undefined ? "" : ` · ${tally.status}`)
  const percent = tally.total === 0 ? 0 : Math.floor((tally.done / tally.total) * 100)
  const overall =
    `${bar(tally.done, tally.total, Math.max(10, Math.min(30, size.columns - 50)))} ${String(percent).padStart(3)}%` +
    ` · steps ${tally.done}/${tally.total}` +
    ` · ${seconds(elapsedAt(tally, now))} elapsed` +
    (tally.status !== undefined ? "" : `, ETA ${eta === undefined ? "…" : seconds(eta)}`)
  const cohorts =
    `cohorts: ${counts.finished} done, ${counts.running} running, ${counts.waiting} waiting` +
    (counts.kept > 0 ? `, ${counts.kept} done before (resumed)` : "")
  const usage =
    `model calls ${count(tally.modelCalls)} · tokens ${count(tally.tokens)} · cost ${dollars(tally.costUsd)}` +
    (tally.cacheHits === undefined ? "" : ` · cache hits ${count(tally.cacheHits)}`)
  const faults = `retries ${count(tally.retries)} · timeouts ${count(tally.timeouts)} · errors ${count(tally.errors)}`
  const running = [...tally.cohortsById.values()].filter((cohort) => !cohort.finished)
  // Header, overall, cohorts, usage, faults and the "more" line stay; cohort rows get what is left (and a
  // spare line, so the block never fills the terminal and scrolls).
  const room = Math.max(0, size.rows - 7)
  const shown = running.length > room ? running.slice(0, Math.max(0, room - 1)) : running
  const nameWidth = Math.min(40, Math.max(0, ...shown.map((cohort) => cohort.name.length)))
  const lines = [
    fit(head, size.columns),
    fit(overall, size.columns),
    fit(cohorts, size.columns),
    ...shown.map((cohort) => cohortLine(cohort, nameWidth, size)),
    ...(shown.length < running.length ? [`  … and ${running.length - shown.length} more running`] : []),
    fit(usage, size.columns),
    fit(faults, size.columns),
  ]
  return lines.join("\n")
}
