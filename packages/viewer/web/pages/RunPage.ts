// `#/run/:id`: one run — summary, live cohort progress while it runs, the kind's chart (curves with SEM bands,
// the ensemble frontier, population diffusion), the report's tables, usage and cost, and the scenario text.
import {
  type Curves,
  get,
  type Page,
  type RunDetail,
  runPath,
  type Series,
  type Table,
  type Usage,
  type UsageRow,
} from "../Api.js"
import { type CurveChart, curveChart, frontierChart } from "../CurveChart.js"
import { errorBox, h, link, replace } from "../Dom.js"
import { date, duration, integer, usd } from "../Format.js"
import { hashOf, type PageContext } from "../Router.js"
import { sortableTable } from "../SortableTable.js"
import { progressBar } from "./RunsPage.js"

const pollMs = 2000

/** A failed section shows its error in place; the rest of the page still loads. */
const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)))

const section = (title: string, testId: string, ...body: ReadonlyArray<Node | string>) =>
  h(
    "section",
    { "aria-labelledby": `h-${testId}`, "data-testid": testId },
    h("h2", { id: `h-${testId}` }, title),
    ...body,
  )

const summary = (detail: RunDetail) => {
  const run = detail.run
  const item = (term: string, value: Node | string) => [h("dt", {}, term), h("dd", {}, value)]
  return h(
    "dl",
    { class: "summary" },
    item("Run", run.id),
    item("Kind", run.kind),
    item("Status", run.status === "running" ? progressBar(run) : run.status),
    item("Seed", String(run.seed)),
    item("Started", date(run.startedAt)),
    item("Finished", date(run.finishedAt)),
    item("Duration", duration(run.durationMs)),
    item("Tokens", integer(run.tokens)),
    item("Cost", usd(run.costUsd)),
  )
}

const cohortTable = (detail: RunDetail) => {
  const labels = new Map(detail.points.map((p) => [p.point, p.label]))
  return sortableTable<RunDetail["cohorts"][number]>(
    [
      { label: "Repeat", numeric: true, value: (c) => c.repeat },
      { label: "Task", value: (c) => c.task },
      { label: "Method", value: (c) => c.method },
      ...(detail.points.length > 0
        ? [
            {
              label: "Point",
              value: (c: RunDetail["cohorts"][number]) =>
                c.point === null ? "" : (labels.get(c.point) ?? c.point),
            },
          ]
        : []),
      {
        label: "Steps",
        numeric: true,
        value: (c) => c.stepsDone,
        render: (c) =>
          h(
            "span",
            { class: "progress" },
            h("progress", { value: c.stepsDone, max: Math.max(1, c.steps ?? c.stepsDone) }),
            ` ${c.stepsDone}/${c.steps ?? "?"}`,
          ),
      },
    ],
    detail.cohorts,
    { testId: "cohorts" },
  )
}

/** A sweep's points: the label every series and cohort of point k carries, and the values it set. */
const pointsTable = (detail: RunDetail) =>
  sortableTable<RunDetail["points"][number]>(
    [
      { label: "Point", numeric: true, value: (p) => p.point },
      { label: "Label", value: (p) => p.label },
      { label: "Values", value: (p) => p.values, render: (p) => h("code", {}, JSON.stringify(p.values)) },
    ],
    detail.points,
    { copy: true, testId: "points-table" },
  )

const usageSection = (usage: Usage) =>
  section(
    "Usage and cost",
    "usage",
    h(
      "p",
      {},
      `${integer(usage.totals.calls)} calls, ${integer(usage.totals.promptTokens)} prompt + ${integer(usage.totals.completionTokens)} completion tokens, ${usd(usage.totals.costUsd)}`,
    ),
    h(
      "details",
      { open: usage.rows.length <= 20 },
      h(
        "summary",
        {},
        usage.total !== undefined && usage.total > usage.rows.length
          ? `Per agent and round (the first ${integer(usage.rows.length)} of ${integer(usage.total)} rows)`
          : `Per agent and round (${integer(usage.rows.length)} rows)`,
      ),
      sortableTable<UsageRow>(
        [
          { label: "Repeat", numeric: true, value: (r) => r.repeat },
          { label: "Round", numeric: true, value: (r) => r.round },
          { label: "Task", value: (r) => r.task },
          { label: "Method", value: (r) => r.method },
          { label: "Agent", value: (r) => r.agent },
          { label: "Model", value: (r) => r.model },
          { label: "Calls", numeric: true, value: (r) => r.calls },
          { label: "Prompt tokens", numeric: true, value: (r) => r.promptTokens },
          { label: "Completion tokens", numeric: true, value: (r) => r.completionTokens },
          { label: "Cost (USD)", numeric: true, value: (r) => r.costUsd },
        ],
        usage.rows,
        { copy: true, testId: "usage-table" },
      ),
    ),
  )

export const reportTable = (table: Table) =>
  h(
    "section",
    { class: "report-table", "data-testid": `table-${table.name}` },
    h("h3", {}, table.title),
    sortableTable(
      table.columns.map((column) => ({
        label: column.label,
        numeric: column.numeric,
        value: (row: Record<string, unknown>) => row[column.key],
      })),
      table.rows,
      { copy: true },
    ),
    ...(table.notes ?? []).map((note) => h("p", { class: "note" }, note)),
  )

/** A sweep's series named by their point's label (`nGen=2,temperature=0.3`) instead of `@p0`. */
const withPointLabels = (series: ReadonlyArray<Series>, detail: RunDetail): ReadonlyArray<Series> => {
  const labels = new Map(detail.points.map((p) => [p.point, p.label]))
  return series.map((s) => {
    const label = s.point === null ? undefined : labels.get(s.point)
    return label === undefined ? s : { ...s, key: s.key.replace(`@p${s.point}`, ` [${label}]`) }
  })
}

/** The tables with rows, then one line naming those this run left empty (a method it did not play, say). */
const tablesView = (tables: ReadonlyArray<Table>) => {
  const filled = tables.filter((table) => table.rows.length > 0)
  const empty = tables.filter((table) => table.rows.length === 0)
  return [
    ...filled.map(reportTable),
    filled.length === 0 && empty.length === 0
      ? h("p", { class: "note" }, "This run's kind has no report tables.")
      : null,
    empty.length === 0
      ? null
      : h("p", { class: "note" }, `No rows in this run: ${empty.map((t) => t.title).join("; ")}.`),
  ].filter((node): node is HTMLElement => node !== null)
}

export const runPage = ({ route, root, signal }: PageContext) => {
  const id = route.path[1] ?? ""
  const head = h("div")
  const chart = h("div")
  const rest = h("div")
  replace(
    root,
    h("p", { class: "crumbs" }, link("#/", "Runs"), " / ", id),
    head,
    h(
      "nav",
      { class: "run-links", "aria-label": "Run" },
      link(
        hashOf(["run", id, "lessons"], { action: "drop" }),
        h("span", { "data-testid": "dropped-lessons" }, "Dropped lessons"),
      ),
      link(hashOf(["run", id, "lessons"]), "All lessons"),
      link(hashOf(["run", id, "answers"]), "Graded answers"),
    ),
    chart,
    rest,
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  const loadHead = async () => {
    const detail = await get<RunDetail>(runPath(id), {}, signal)
    const dropped = await get<Page<unknown>>(
      runPath(id, "lessons"),
      { action: "drop", limit: 1 },
      signal,
    ).catch(() => undefined)
    replace(
      head,
      h("h1", {}, detail.run.scenario),
      summary(detail),
      detail.error === null ? null : h("pre", { class: "error", role: "alert" }, detail.error),
      dropped === undefined
        ? null
        : h("p", {}, `${integer(dropped.total)} lessons dropped by the privacy filter.`),
      detail.run.status === "running" ? section("Cohorts", "cohorts-section", cohortTable(detail)) : null,
      detail.points.length === 0 ? null : section("Sweep points", "sweep-points", pointsTable(detail)),
    )
    return detail
  }
  // While the run plays: its summary, cohorts and curves again every 2 s; once it ends, the whole page once more.
  let live: CurveChart | undefined
  const schedule = (detail: RunDetail) => {
    if (!signal.aborted && detail.run.status === "running")
      timer = setTimeout(() => void tick().catch(() => undefined), pollMs)
  }
  const tick = async () => {
    const detail = await loadHead()
    if (detail.run.status !== "running") return load()
    const curves = await get<Curves>(runPath(id, "curves"), {}, signal).catch(() => undefined)
    // The first rounds make the chart: draw the page once more when they are in.
    if (live === undefined && curves?.series.some((series) => series.points.length > 1)) return load()
    if (curves !== undefined) live?.update(withPointLabels(curves.series, detail))
    schedule(detail)
  }
  const load = async () => {
    const detail = await loadHead()
    if (signal.aborted) return
    // Curves, tables and usage are each drawn when they arrive: the report's tables of a big run can take
    // seconds on its first visit, and the chart and the rest of the page must not wait for them.
    const tablesBox = h(
      "div",
      {},
      h("p", { class: "note", "data-testid": "tables-loading" }, "Loading tables…"),
    )
    const usageBox = h("div")
    replace(
      rest,
      tablesBox,
      usageBox,
      section("Scenario", "scenario", h("pre", { class: "scenario" }, detail.scenarioText)),
    )
    const drawCurves = get<Curves>(runPath(id, "curves"), {}, signal)
      .catch(asError)
      .then((curves) => {
        if (signal.aborted) return
        // An ensemble's series are one point per variant: the frontier shows them better.
        live =
          curves instanceof Error || !curves.series.some((series) => series.points.length > 1)
            ? undefined
            : curveChart(withPointLabels(curves.series, detail), { x: curves.xLabel, y: curves.yLabel })
        const curvesView =
          curves instanceof Error
            ? errorBox(curves)
            : [
                live === undefined
                  ? null
                  : section(curves.kind === "population" ? "Diffusion" : "Curves", "curves", live.element),
                curves.frontier !== undefined && curves.frontier.length > 0
                  ? section("Frontier", "frontier", frontierChart(curves.frontier))
                  : null,
              ]
        replace(chart, ...[curvesView].flat())
      })
    const drawTables = get<{ tables: ReadonlyArray<Table> }>(runPath(id, "tables"), {}, signal)
      .catch(asError)
      .then((tables) => {
        if (!signal.aborted)
          replace(
            tablesBox,
            tables instanceof Error
              ? errorBox(tables)
              : section("Tables", "tables", ...tablesView(tables.tables)),
          )
      })
    const drawUsage = get<Usage>(runPath(id, "usage"), { limit: 200 }, signal)
      .catch(asError)
      .then((usage) => {
        if (!signal.aborted) replace(usageBox, usage instanceof Error ? errorBox(usage) : usageSection(usage))
      })
    await Promise.all([drawCurves, drawTables, drawUsage])
    if (signal.aborted) return
    schedule(detail)
  }
  load().catch((error: unknown) => {
    if (!signal.aborted) replace(head, errorBox(error))
  })
  signal.addEventListener("abort", () => clearTimeout(timer))
}
