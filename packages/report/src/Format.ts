import { type CurvePoint, seriesKey } from "./LearningCurve.js"
import { alignColumns } from "./TextTable.js"

/** A plain-text table: one line per round, one column per series (student · task · metric). */
export const formatCurveTable = (points: ReadonlyArray<CurvePoint>): string => {
  const series = [...new Set(points.map(seriesKey))]
  const rounds = [...new Set(points.map((p) => p.round))].sort((a, b) => a - b)
  const cell = (p: CurvePoint | undefined) =>
    p === undefined
      ? "-"
      : `${p.mean.toFixed(3)}${p.sem === undefined ? "" : ` ±${p.sem.toFixed(3)}`} (n=${p.nItems})`
  const header = ["round", ...series]
  const body = rounds.map((round) => [
    String(round),
    ...series.map((s) => cell(points.find((p) => p.round === round && seriesKey(p) === s))),
  ])
  return alignColumns(header, body, (i) => (i === 0 ? "right" : "left")).join("\n")
}

const BLOCKS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

/** A horizontal bar per round and series, scaled to [0, 1] — metrics here are proportions. */
export const formatCurveChart = (points: ReadonlyArray<CurvePoint>, width = 40): string => {
  const bar = (value: number) => {
    const eighths = Math.round(Math.max(0, Math.min(1, value)) * width * 8)
    return "█".repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8]
  }
  const series = [...new Set(points.map(seriesKey))]
  return series
    .flatMap((s) => [
      s,
      ...points
        .filter((p) => seriesKey(p) === s)
        .map(
          (p) => `  round ${String(p.round).padStart(2)} │${bar(p.mean).padEnd(width)}│ ${p.mean.toFixed(3)}`,
        ),
    ])
    .join("\n")
}
