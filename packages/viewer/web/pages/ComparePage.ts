// `#/compare?runs=a,b`: the runs' curves overlaid (one series per run × task × method) and the paired permutation
// test wherever the runs graded the same items.
import { type Comparison, get, type Paired } from "../Api.js"
import { curveChart } from "../CurveChart.js"
import { errorBox, h, link, replace } from "../Dom.js"
import { date, decimal } from "../Format.js"
import { hashOf, type PageContext } from "../Router.js"
import { sortableTable } from "../SortableTable.js"

export const comparePage = ({ route, root, signal }: PageContext) => {
  const runs = (route.query.get("runs") ?? "").split(",").filter((id) => id !== "")
  const body = h("div", {}, "Loading…")
  replace(
    root,
    h("p", { class: "crumbs" }, link("#/", "Runs"), " / compare"),
    h("h1", {}, "Compare runs"),
    body,
  )
  if (runs.length < 2) {
    replace(
      body,
      h("p", {}, "Pick two or more runs with the checkboxes in the ", link("#/", "runs list"), "."),
    )
    return
  }
  get<Comparison>("/api/compare", { runs: runs.join(",") }, signal).then(
    (comparison) =>
      replace(
        body,
        h(
          "ul",
          { class: "compared" },
          comparison.runs.map((run) =>
            h(
              "li",
              {},
              link(hashOf(["run", run.id]), run.id),
              ` — ${run.scenario}, seed ${run.seed}, ${date(run.startedAt)}`,
            ),
          ),
        ),
        h(
          "section",
          { "aria-labelledby": "h-curves" },
          h("h2", { id: "h-curves" }, "Curves"),
          comparison.series.length === 0
            ? h("p", { class: "note" }, "These runs have no curves to overlay.")
            : curveChart(comparison.series, { x: "round", y: "mean score" }, "compare-chart").element,
        ),
        h(
          "section",
          { "aria-labelledby": "h-paired" },
          h("h2", { id: "h-paired" }, "Paired permutation test"),
          h(
            "p",
            { class: "note" },
            "Mean difference a − b of the per-item scores both runs graded in their last round, and its two-sided p-value.",
          ),
          sortableTable<Paired>(
            [
              { label: "Run a", value: (p) => p.a },
              { label: "Run b", value: (p) => p.b },
              { label: "Task", value: (p) => p.task },
              { label: "Method", value: (p) => p.method },
              {
                label: "Mean difference",
                numeric: true,
                value: (p) => p.meanDiff,
                render: (p) => decimal(p.meanDiff),
              },
              {
                label: "p-value",
                numeric: true,
                value: (p) => p.pValue,
                render: (p) => decimal(p.pValue, 4),
              },
              { label: "Items", numeric: true, value: (p) => p.n },
            ],
            comparison.paired,
            {
              testId: "paired-table",
              copy: true,
              empty: "No task and method graded the same items in these runs.",
            },
          ),
        ),
      ),
    (error: unknown) => {
      if (!signal.aborted) replace(body, errorBox(error))
    },
  )
}
