// `#/`: every run, filtered by status/kind/text and sorted by the server; running runs' progress bars refresh every
// 2 s; checkboxes pick runs to compare.
import { type Page as ApiPage, get, type RunRow } from "../Api.js"
import { errorBox, h, labelled, link, replace } from "../Dom.js"
import { date, duration, integer, usd } from "../Format.js"
import { pager } from "../Pager.js"
import { hashOf, type PageContext } from "../Router.js"
import { sortableTable, type TableColumn } from "../SortableTable.js"

const limit = 50
const pollMs = 2000
const kinds = ["social-learning", "ensemble", "population"]
const statuses = ["running", "completed", "failed", "stopped"]
const sortKeys = ["scenario", "startedAt", "durationMs", "tokens", "costUsd"] as const

const select = (name: string, values: ReadonlyArray<string>, current: string) =>
  h(
    "select",
    { name },
    h("option", { value: "" }, "any"),
    values.map((value) => h("option", { value, selected: value === current }, value)),
  )

export const progressBar = (run: RunRow) => {
  if (run.progress === null || run.progress.total === 0) return h("span", {}, run.status)
  const { done, total } = run.progress
  const percent = Math.round((100 * done) / total)
  return h(
    "span",
    { class: "progress" },
    h("progress", { value: done, max: total, "aria-label": `${run.id} progress` }),
    ` ${done}/${total} steps (${percent}%)`,
  )
}

export const runsPage = ({ route, root, signal }: PageContext) => {
  const q = route.query
  const state = {
    status: q.get("status") ?? "",
    kind: q.get("kind") ?? "",
    q: q.get("q") ?? "",
    sort: q.get("sort") ?? "startedAt",
    order: (q.get("order") ?? "desc") as "asc" | "desc",
    offset: Number(q.get("offset") ?? 0),
  }
  const chosen = new Set<string>()
  const navigate = (changes: Partial<typeof state>) => {
    const next = { ...state, ...changes }
    location.hash = hashOf([], {
      status: next.status,
      kind: next.kind,
      q: next.q,
      sort: next.sort === "startedAt" ? undefined : next.sort,
      order: next.order === "desc" ? undefined : next.order,
      offset: next.offset === 0 ? undefined : String(next.offset),
    })
  }

  const status = select("status", statuses, state.status)
  const kind = select("kind", kinds, state.kind)
  const text = h("input", { type: "search", name: "q", value: state.q, placeholder: "scenario or run id" })
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (event: Event) => {
        event.preventDefault()
        navigate({ status: status.value, kind: kind.value, q: text.value.trim(), offset: 0 })
      },
    },
    labelled("Status", status),
    labelled("Kind", kind),
    labelled("Search", text),
    h("button", { type: "submit" }, "Filter"),
  )
  status.addEventListener("change", () => form.requestSubmit())
  kind.addEventListener("change", () => form.requestSubmit())

  const compareButton = h(
    "button",
    { type: "button", disabled: true, "data-testid": "compare" },
    "Compare selected",
  )
  compareButton.addEventListener("click", () => {
    location.hash = hashOf(["compare"], { runs: [...chosen].join(",") })
  })
  const listBox = h("div", { "aria-live": "polite" })
  replace(root, h("h1", {}, "Runs"), form, h("div", { class: "actions" }, compareButton), listBox)

  const columns: Array<TableColumn<RunRow>> = [
    {
      label: "Compare",
      render: (run) =>
        h("input", {
          type: "checkbox",
          "aria-label": `compare ${run.id}`,
          "data-testid": "compare-run",
          checked: chosen.has(run.id),
          onchange: (event: Event) => {
            if ((event.target as HTMLInputElement).checked) chosen.add(run.id)
            else chosen.delete(run.id)
            compareButton.disabled = chosen.size < 2
          },
        }),
    },
    {
      label: "Scenario",
      value: (run) => run.scenario,
      render: (run) =>
        h("span", {}, link(hashOf(["run", run.id]), run.scenario), h("small", { class: "id" }, run.id)),
    },
    { label: "Kind", render: (run) => run.kind },
    { label: "Status", render: (run) => h("span", { class: `status-${run.status}` }, run.status) },
    { label: "Progress", render: progressBar },
    { label: "Started", value: (run) => run.startedAt, render: (run) => date(run.startedAt) },
    {
      label: "Duration",
      numeric: true,
      value: (run) => run.durationMs,
      // A running run has no duration yet: how long it has been going (by this machine's clock).
      render: (run) =>
        run.durationMs === null && run.status === "running"
          ? `${duration(Date.now() - Date.parse(run.startedAt))} so far`
          : duration(run.durationMs),
    },
    { label: "Tokens", numeric: true, value: (run) => run.tokens, render: (run) => integer(run.tokens) },
    { label: "Cost", numeric: true, value: (run) => run.costUsd, render: (run) => usd(run.costUsd) },
  ]
  // Header index → the server's sort key (columns without a key are not sortable).
  const sortColumn: Record<number, (typeof sortKeys)[number]> = {
    1: "scenario",
    5: "startedAt",
    6: "durationMs",
    7: "tokens",
    8: "costUsd",
  }
  const sortedIndex = Number(Object.entries(sortColumn).find(([, key]) => key === state.sort)?.[0] ?? 5)

  let timer: ReturnType<typeof setTimeout> | undefined
  const load = async () => {
    try {
      const page = await get<ApiPage<RunRow>>(
        "/api/runs",
        {
          status: state.status,
          kind: state.kind,
          q: state.q,
          sort: state.sort,
          order: state.order,
          limit,
          offset: state.offset,
        },
        signal,
      )
      replace(
        listBox,
        sortableTable(columns, page.rows, {
          testId: "runs-table",
          sorted: { column: sortedIndex, order: state.order },
          onSort: (index, order) => navigate({ sort: sortColumn[index] ?? "startedAt", order, offset: 0 }),
          empty: "No runs match. Run a scenario with `lyceum run`, or clear the filters.",
        }),
        pager(state.offset, limit, page.total, (offset) => navigate({ offset })),
      )
      // The browser test reads this mark: how long after navigation the runs were on screen.
      if (performance.getEntriesByName("lyceum:runs-shown").length === 0)
        performance.mark("lyceum:runs-shown")
      if (!signal.aborted && page.rows.some((run) => run.status === "running"))
        timer = setTimeout(load, pollMs)
    } catch (error) {
      if (!signal.aborted) replace(listBox, errorBox(error))
    }
  }
  void load()
  signal.addEventListener("abort", () => clearTimeout(timer))
}
