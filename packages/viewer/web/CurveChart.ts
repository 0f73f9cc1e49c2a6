// Learning curves (or diffusion, or compared runs) with Observable Plot: the mean as a line, ± one standard error
// as a band (areaY), a tip on hover, and a checkbox per series that shows or hides it with stable colours.
import * as Plot from "@observablehq/plot"
import type { FrontierPoint, Series } from "./Api.js"
import { h } from "./Dom.js"

interface Datum {
  readonly series: string
  readonly x: number
  readonly mean: number
  readonly low: number
  readonly high: number
  readonly sem: number
  readonly n: number
}

export const seriesLabel = (series: Series) =>
  series.key !== ""
    ? series.key
    : [series.task, series.method, series.point === null ? null : `p${series.point}`]
        .filter(Boolean)
        .join(" · ")

const data = (series: ReadonlyArray<Series>): Array<Datum> =>
  series.flatMap((s) =>
    s.points.map((p) => {
      // One repeat has no spread: the band collapses onto the line.
      const sem = p.sem ?? 0
      return {
        series: seriesLabel(s),
        x: p.x,
        mean: p.mean,
        sem,
        n: p.n,
        low: p.mean - sem,
        high: p.mean + sem,
      }
    }),
  )

const width = (container: HTMLElement) => Math.max(320, Math.min(960, container.clientWidth || 720))

export interface CurveChart {
  readonly element: HTMLElement
  /** New data for the same chart (a running run's next rounds); hidden series stay hidden. */
  readonly update: (series: ReadonlyArray<Series>) => void
}

export const curveChart = (
  initial: ReadonlyArray<Series>,
  labels: { readonly x: string; readonly y: string },
  testId = "curve-chart",
): CurveChart => {
  let series = initial
  let domain = series.map(seriesLabel)
  // Hidden rather than visible: a series that appears while a run plays shows.
  const hidden = new Set<string>()
  const plotBox = h("div", { class: "plot", "data-testid": `${testId}-plot` })
  const toggleBox = h("fieldset", { class: "toggles" })
  const wrapper = h("figure", { class: "chart", "data-testid": testId }, toggleBox, plotBox)
  const draw = () => {
    const rows = data(series).filter((d) => !hidden.has(d.series))
    const xs = [...new Set(rows.map((d) => d.x))].sort((a, b) => a - b)
    const chart = Plot.plot({
      width: width(wrapper),
      height: 320,
      marginLeft: 56,
      // Rounds are whole numbers: tick at each one rather than at 0.5 steps.
      x: {
        label: labels.x,
        grid: true,
        ...(xs.length <= 25 && xs.every(Number.isInteger) ? { ticks: xs, tickFormat: "d" } : {}),
      },
      y: { label: labels.y, grid: true },
      color: { type: "categorical", domain },
      marks: [
        Plot.areaY(rows, {
          x: "x",
          y1: "low",
          y2: "high",
          fill: "series",
          fillOpacity: 0.15,
          curve: "linear",
        }),
        Plot.lineY(rows, { x: "x", y: "mean", stroke: "series", strokeWidth: 2, marker: "circle" }),
        // pointerX with a wide radius: hovering anywhere in a round's column shows its nearest point.
        Plot.tip(
          rows,
          Plot.pointerX({
            x: "x",
            y: "mean",
            stroke: "series",
            maxRadius: 160,
            channels: { series: "series", sem: "sem", n: "n" },
            format: {
              x: true,
              y: (v: number) => v.toFixed(3),
              sem: (v: number) => v.toFixed(3),
              n: true,
              stroke: false,
            },
          }),
        ),
      ],
    })
    plotBox.replaceChildren(chart)
  }
  const drawToggles = () => {
    const color = Plot.scale({ color: { type: "categorical", domain } })
    wrapper.dataset.series = String(domain.length)
    toggleBox.replaceChildren(
      h("legend", {}, "Series"),
      ...domain.map((label) =>
        h(
          "label",
          { class: "toggle", "data-testid": "series-toggle" },
          h("input", {
            type: "checkbox",
            checked: !hidden.has(label),
            onchange: (event: Event) => {
              if ((event.target as HTMLInputElement).checked) hidden.delete(label)
              else hidden.add(label)
              draw()
            },
          }),
          h("span", { class: "swatch", style: `background:${color.apply(label)}` }),
          label,
        ),
      ),
    )
  }
  drawToggles()
  // Plot needs the element's width, known once it is in the document.
  requestAnimationFrame(draw)
  return {
    element: wrapper,
    update: (next) => {
      series = next
      const nextDomain = next.map(seriesLabel)
      if (nextDomain.join("\n") !== domain.join("\n")) {
        domain = nextDomain
        drawToggles()
      }
      draw()
    },
  }
}

/** The ensemble frontier: each variant's accuracy (± SEM) against what it spent per item (dollars when priced). */
export const frontierChart = (rows: ReadonlyArray<FrontierPoint>): HTMLElement => {
  // The sim model is free: plot dollars only when some variant cost something.
  const priced = rows.some((row) => (row.costPerItem ?? 0) > 0)
  const data = rows.map((row) => ({
    ...row,
    label: row.method,
    spent: priced ? (row.costPerItem ?? 0) : row.tokensPerItem,
    low: row.accuracy - (row.accuracySem ?? 0),
    high: row.accuracy + (row.accuracySem ?? 0),
  }))
  const box = h("figure", { class: "chart", "data-testid": "frontier-chart", "data-series": rows.length })
  requestAnimationFrame(() => {
    box.replaceChildren(
      Plot.plot({
        width: width(box),
        height: 320,
        marginLeft: 56,
        marginRight: 110,
        x: { label: priced ? "cost per item (USD)" : "tokens per item", grid: true, inset: 24 },
        y: { label: "accuracy", grid: true },
        color: { legend: true },
        marks: [
          Plot.ruleX(data, { x: "spent", y1: "low", y2: "high", stroke: "task", strokeOpacity: 0.5 }),
          Plot.dot(data, {
            x: "spent",
            y: "accuracy",
            fill: "task",
            r: 5,
            channels: { method: "method", repeats: "repeats" },
            tip: { format: { x: true, y: (v: number) => v.toFixed(3), fill: true } },
          }),
          Plot.text(data, { x: "spent", y: "accuracy", text: "label", dx: 8, textAnchor: "start" }),
        ],
      }),
    )
  })
  return box
}
