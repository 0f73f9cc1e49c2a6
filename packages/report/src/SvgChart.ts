import { scaleLinear } from "d3-scale"
import { area, line } from "d3-shape"
import escapeHtml from "escape-html"

/** A series of a line chart: points with an optional band (e.g. mean ± SEM). */
export interface SvgSeries {
  readonly label: string
  readonly points: ReadonlyArray<{
    readonly x: number
    readonly y: number
    readonly lo?: number
    readonly hi?: number
  }>
}

export interface SvgLineChartOptions {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  /** Default [0, 1], for accuracies. */
  readonly yDomain?: readonly [number, number]
  /** A horizontal reference line, e.g. chance. */
  readonly reference?: { readonly y: number; readonly label: string }
}

/** Tableau 10: distinguishable, and readable for the common colour-vision deficiencies. */
export const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
]

const WIDTH = 640
const HEIGHT = 320
const MARGIN = { top: 36, right: 16, bottom: 44, left: 52 }
const LEGEND_ROW = 18

/** Integers whole, other numbers to 2 decimals, and below 0.1 to 2 significant digits (a cost of $0.0004 per item). */
const fmt = (value: number) =>
  Number.isInteger(value)
    ? String(value)
    : Math.abs(value) >= 0.1
      ? value.toFixed(2)
      : String(Number(value.toPrecision(2)))

/** What hovering a point shows: its series, x, y and, with a band, the band's ends. */
const pointTitle = (label: string, p: SvgSeries["points"][number]) =>
  `${label}: ${fmt(p.x)} → ${p.y.toFixed(3)}` +
  (p.lo === undefined || p.hi === undefined ? "" : ` (band ${p.lo.toFixed(3)}–${p.hi.toFixed(3)})`)

/** An `<svg>` line chart: one coloured line per series with markers and its band, axes, a legend below. */
export const svgLineChart = (series: ReadonlyArray<SvgSeries>, options: SvgLineChartOptions): string => {
  const xs = series.flatMap((s) => s.points.map((p) => p.x))
  const [xMin, xMax] = xs.length === 0 ? [0, 1] : [Math.min(...xs), Math.max(...xs)]
  const [yMin, yMax] = options.yDomain ?? [0, 1]
  const height = HEIGHT + series.length * LEGEND_ROW
  const x = scaleLinear()
    .domain([xMin, xMax === xMin ? xMin + 1 : xMax])
    .range([MARGIN.left, WIDTH - MARGIN.right])
  const y = scaleLinear()
    .domain([yMin, yMax])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top])
    .clamp(true)
  const path = line<{ x: number; y: number }>()
    .x((p) => x(p.x))
    .y((p) => y(p.y))
  const band = area<{ x: number; lo: number; hi: number }>()
    .x((p) => x(p.x))
    .y0((p) => y(p.lo))
    .y1((p) => y(p.hi))

  const grid = y
    .ticks(5)
    .map(
      (t) =>
        `<line class="grid" stroke="#e4e4e4" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}"/>` +
        `<text class="tick" font-size="11" fill="#444" x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`,
    )
  const xTicks = [...new Set(xs)]
    .sort((a, b) => a - b)
    .map(
      (t) =>
        `<text class="tick" font-size="11" fill="#444" x="${x(t)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`,
    )
  const reference =
    options.reference === undefined
      ? ""
      : `<line class="reference" stroke="#999" stroke-dasharray="4 3" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(options.reference.y)}" y2="${y(options.reference.y)}"/>` +
        `<text class="tick" font-size="11" fill="#444" x="${WIDTH - MARGIN.right}" y="${y(options.reference.y) - 4}" text-anchor="end">${escapeHtml(options.reference.label)}</text>`
  const drawn = series.map((s, i) => {
    const color = PALETTE[i % PALETTE.length]!
    const points = [...s.points].sort((a, b) => a.x - b.x)
    const withBand = points.filter((p) => p.lo !== undefined && p.hi !== undefined) as Array<{
      x: number
      lo: number
      hi: number
    }>
    const bandTitle = `${s.label}: band ${withBand.map((p) => `${fmt(p.x)} → ${p.lo.toFixed(3)}–${p.hi.toFixed(3)}`).join(", ")}`
    return (
      `<g class="series" data-label="${escapeHtml(s.label)}">` +
      (withBand.length > 1
        ? `<path class="band" fill-opacity="0.18" stroke="none" d="${band(withBand)}" fill="${color}"><title>${escapeHtml(bandTitle)}</title></path>`
        : "") +
      `<path class="line" fill="none" stroke-width="2" d="${path(points) ?? ""}" stroke="${color}"/>` +
      points
        .map(
          (p) =>
            `<circle cx="${x(p.x)}" cy="${y(p.y)}" r="3" fill="${color}"><title>${escapeHtml(pointTitle(s.label, p))}</title></circle>`,
        )
        .join("") +
      "</g>"
    )
  })
  // A legend entry hides or shows its series (the page's script; a keyboard reaches it too).
  const legend = series.map(
    (s, i) =>
      `<g class="legend-entry" data-label="${escapeHtml(s.label)}" role="button" tabindex="0" aria-pressed="true" transform="translate(${MARGIN.left}, ${HEIGHT + i * LEGEND_ROW})">` +
      `<title>${escapeHtml(s.label)}: click to hide or show</title>` +
      `<rect width="12" height="12" y="-10" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text class="legend" font-size="11" fill="#444" x="18">${escapeHtml(s.label)}</text></g>`,
  )
  return (
    `<svg class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="sans-serif" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(options.title)}</title>` +
    `<text class="title" font-size="13" font-weight="600" fill="#222" x="${MARGIN.left}" y="20">${escapeHtml(options.title)}</text>` +
    grid.join("") +
    xTicks.join("") +
    `<line class="axis" stroke="#888" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${HEIGHT - MARGIN.bottom}" y2="${HEIGHT - MARGIN.bottom}"/>` +
    `<text class="label" font-size="12" fill="#333" x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>` +
    `<text class="label" font-size="12" fill="#333" transform="translate(14, ${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>` +
    reference +
    drawn.join("") +
    legend.join("") +
    "</svg>"
  )
}

/**
 * An `<svg>` strip plot of Secret Sharer ranks: one row per method, one dot per trial at its rank among
 * `candidates` (0 = memorised, at the left), the chance rank marked; a glance shows leak against no leak.
 */
export const svgRankStrip = (
  rows: ReadonlyArray<{ readonly label: string; readonly ranks: ReadonlyArray<number> }>,
  candidates: number,
  title: string,
): string => {
  const rowHeight = 34
  const left = 190
  const height = MARGIN.top + rows.length * rowHeight + 40
  const x = scaleLinear()
    .domain([0, candidates - 1])
    .range([left, WIDTH - MARGIN.right])
  const chance = (candidates - 1) / 2
  const body = rows.map((row, i) => {
    const cy = MARGIN.top + i * rowHeight + rowHeight / 2
    const color = PALETTE[i % PALETTE.length]!
    const dots = row.ranks.map(
      (rank, k) =>
        // A small vertical jitter by trial keeps equal ranks visible as several dots.
        `<circle cx="${x(rank)}" cy="${cy + ((k % 5) - 2) * 3}" r="3.5" fill="${color}" fill-opacity="0.7"><title>trial ${k + 1}: rank ${rank}</title></circle>`,
    )
    return (
      `<g class="strip" data-label="${escapeHtml(row.label)}">` +
      `<text class="legend" font-size="11" fill="#444" x="${left - 8}" y="${cy + 4}" text-anchor="end">${escapeHtml(row.label)}</text>` +
      `<line class="grid" stroke="#e4e4e4" x1="${left}" x2="${WIDTH - MARGIN.right}" y1="${cy}" y2="${cy}"/>` +
      dots.join("") +
      "</g>"
    )
  })
  const bottom = MARGIN.top + rows.length * rowHeight
  return (
    `<svg class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" font-family="sans-serif" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeHtml(title)}</title>` +
    `<text class="title" font-size="13" font-weight="600" fill="#222" x="${MARGIN.left}" y="20">${escapeHtml(title)}</text>` +
    `<line class="reference" stroke="#999" stroke-dasharray="4 3" x1="${x(chance)}" x2="${x(chance)}" y1="${MARGIN.top}" y2="${bottom}"/>` +
    body.join("") +
    `<line class="axis" stroke="#888" x1="${left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>` +
    [0, candidates - 1]
      .map(
        (t) =>
          `<text class="tick" font-size="11" fill="#444" x="${x(t)}" y="${bottom + 16}" text-anchor="middle">${t}</text>`,
      )
      .join("") +
    `<text class="tick" font-size="11" fill="#444" x="${x(chance)}" y="${bottom + 16}" text-anchor="middle">chance ${fmt(chance)}</text>` +
    `<text class="label" font-size="12" fill="#333" x="${(left + WIDTH - MARGIN.right) / 2}" y="${bottom + 34}" text-anchor="middle">canary rank (0 = memorised)</text>` +
    "</svg>"
  )
}
