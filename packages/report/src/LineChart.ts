import { formatCurveChart } from "./Format.js"
import { type CurvePoint, seriesKey } from "./LearningCurve.js"

/** A named series of (x, y) points for `formatLineChart`. */
export interface ChartSeries {
  readonly label: string
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>
}

export interface LineChartOptions {
  /** Plot columns (characters); each holds 2 braille dots across. Default 60. */
  readonly width?: number
  /** Plot rows (characters); each holds 4 braille dots down. Default 12. */
  readonly height?: number
  /** The y range drawn; values outside are clamped. Default [0, 1], for accuracies. */
  readonly yMin?: number
  readonly yMax?: number
  /** Name of the x axis, printed at its end. Default "round". */
  readonly xLabel?: string
  /** ANSI colour per series (for terminals; off by default so output pipes cleanly). */
  readonly color?: boolean
}

/** Point markers, one per series (cycled): where the braille lines of several series meet, they tell them apart. */
const MARKERS = ["●", "■", "▲", "◆", "○", "□", "△", "◇"]
const COLORS = [36, 33, 35, 32, 34, 31]
const Y_TICKS = [0, 0.25, 0.5, 0.75, 1]

/** Braille dot bits by [column within cell][row within cell] (Unicode U+2800 block). */
const DOT_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
]

interface Cell {
  bits: number
  /** The series that drew here last (for colour), or -1. */
  series: number
  /** A data point's marker, which wins over the line dots. */
  marker: number | undefined
}

/**
 * A multi-series line chart drawn with braille dots (2×4 per character), a marker on every data point, a y
 * axis with ticks at quarters of the range, the x values under their columns, and a legend. Higher y is
 * drawn higher up.
 */
export const formatLineChart = (
  series: ReadonlyArray<ChartSeries>,
  options: LineChartOptions = {},
): string => {
  const width = Math.max(2, options.width ?? 60)
  const height = Math.max(2, options.height ?? 12)
  const yMin = options.yMin ?? 0
  const yMax = options.yMax ?? 1
  const dotsX = width * 2
  const dotsY = height * 4
  const xs = series.flatMap((s) => s.points.map((p) => p.x))
  const xMin = Math.min(...xs)
  const xMax = Math.max(...xs)
  const toDotX = (x: number) =>
    xMax === xMin ? Math.floor((dotsX - 1) / 2) : Math.round(((x - xMin) / (xMax - xMin)) * (dotsX - 1))
  const toDotY = (y: number) => {
    const clamped = Math.min(Math.max(y, yMin), yMax)
    return Math.round(((yMax - clamped) / (yMax - yMin)) * (dotsY - 1))
  }

  const grid: Array<Array<Cell>> = Array.from({ length: height }, () =>
    Array.from({ length: width }, () => ({ bits: 0, series: -1, marker: undefined })),
  )
  const plot = (dx: number, dy: number, s: number) => {
    const cell = grid[Math.floor(dy / 4)]![Math.floor(dx / 2)]!
    cell.bits |= DOT_BITS[dx % 2]![dy % 4]!
    cell.series = s
  }
  // Bresenham: every dot between two consecutive points, so steep segments stay connected.
  const segment = (x0: number, y0: number, x1: number, y1: number, s: number) => {
    const dx = Math.abs(x1 - x0)
    const dy = -Math.abs(y1 - y0)
    const sx = x0 < x1 ? 1 : -1
    const sy = y0 < y1 ? 1 : -1
    let error = dx + dy
    for (;;) {
      plot(x0, y0, s)
      if (x0 === x1 && y0 === y1) return
      const e2 = 2 * error
      if (e2 >= dy) {
        error += dy
        x0 += sx
      }
      if (e2 <= dx) {
        error += dx
        y0 += sy
      }
    }
  }

  series.forEach((s, index) => {
    const dots = s.points
      .filter((p) => Number.isFinite(p.y))
      .toSorted((a, b) => a.x - b.x)
      .map((p) => [toDotX(p.x), toDotY(p.y)] as const)
    dots.forEach(([x, y], i) => {
      const previous = dots[i - 1]
      if (previous) segment(previous[0], previous[1], x, y, index)
      else plot(x, y, index)
    })
    for (const [x, y] of dots) grid[Math.floor(y / 4)]![Math.floor(x / 2)]!.marker = index
  })

  const paint = (text: string, s: number) =>
    options.color && s >= 0 ? `\u001b[${COLORS[s % COLORS.length]}m${text}\u001b[0m` : text
  const cellText = (cell: Cell) =>
    cell.marker !== undefined
      ? paint(MARKERS[cell.marker % MARKERS.length]!, cell.marker)
      : cell.bits === 0
        ? " "
        : paint(String.fromCharCode(0x2800 + cell.bits), cell.series)

  const tickRows = new Map(Y_TICKS.map((t) => [Math.floor(toDotY(yMin + t * (yMax - yMin)) / 4), t]))
  const tickLabel = (t: number) => (yMin + t * (yMax - yMin)).toFixed(2)
  const gutter = Math.max(...Y_TICKS.map((t) => tickLabel(t).length))
  const rows = grid.map((cells, r) => {
    const tick = tickRows.get(r)
    const axis = tick === undefined ? `${" ".repeat(gutter)} │` : `${tickLabel(tick).padStart(gutter)} ┤`
    return `${axis}${cells.map(cellText).join("")}`.trimEnd()
  })

  // x values under their columns, skipping any that would run into the previous one.
  let labels = ""
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const column = Math.floor(toDotX(x) / 2)
    const text = String(x)
    const start = Math.min(column, width - text.length)
    if (labels.length === 0 || start > labels.length) {
      labels = labels.padEnd(start) + text
    }
  }
  const pad = " ".repeat(gutter + 2)
  const legend = series.map((s, index) => `  ${paint(MARKERS[index % MARKERS.length]!, index)} ${s.label}`)
  return [
    ...rows,
    `${" ".repeat(gutter)} └${"─".repeat(width)} ${options.xLabel ?? "round"}`,
    `${pad}${labels}`.trimEnd(),
    ...legend,
  ].join("\n")
}

/** The learning curves as a line chart: one series per student · task · metric, x = round, y = mean. */
export const formatCurveLineChart = (
  points: ReadonlyArray<CurvePoint>,
  options: LineChartOptions = {},
): string => {
  const keys = [...new Set(points.map(seriesKey))]
  return formatLineChart(
    keys.map((label) => ({
      label,
      points: points.filter((p) => seriesKey(p) === label).map((p) => ({ x: p.round, y: p.mean })),
    })),
    options,
  )
}

/**
 * The chart `lyceum report` prints: bars for a single curve (exact values per round), a line chart when
 * there are several curves to compare.
 */
export const formatCurvePlot = (points: ReadonlyArray<CurvePoint>, options: LineChartOptions = {}): string =>
  new Set(points.map(seriesKey)).size > 1
    ? formatCurveLineChart(points, options)
    : formatCurveChart(points, options.width)
