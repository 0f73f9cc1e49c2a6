// `#/run/:id/answers`: graded answers — the prompt the student saw, its output, the expected answer and the
// score — filtered and paginated.
import { type AnswerRow, get, type Page, runPath } from "../Api.js"
import { errorBox, h, link, replace } from "../Dom.js"
import { type FilterField, filterForm, goToOffset, offsetOf, queryOf } from "../ListFilters.js"
import { pager } from "../Pager.js"
import { hashOf, type PageContext } from "../Router.js"
import { sortableTable } from "../SortableTable.js"

const limit = 50

const fields: ReadonlyArray<FilterField> = [
  {
    name: "correct",
    label: "Graded",
    options: [
      ["1", "correct"],
      ["0", "wrong"],
    ],
  },
  { name: "repeat", label: "Repeat", numeric: true },
  { name: "round", label: "Round", numeric: true },
  { name: "task", label: "Task" },
  { name: "method", label: "Method" },
  { name: "student", label: "Student" },
]

const prompt = (row: AnswerRow) =>
  row.prompt === null
    ? h("span", { class: "note" }, "not stored")
    : h(
        "details",
        {},
        h("summary", {}, `${row.prompt.length.toLocaleString("en-US")} characters`),
        h("pre", {}, row.prompt),
      )

export const answersPage = ({ route, root, signal }: PageContext) => {
  const id = route.path[1] ?? ""
  const offset = offsetOf(route)
  const list = h("div", { "aria-live": "polite" }, "Loading…")
  replace(
    root,
    h("p", { class: "crumbs" }, link("#/", "Runs"), " / ", link(hashOf(["run", id]), id), " / answers"),
    h("h1", {}, "Graded answers"),
    filterForm(route, fields),
    list,
  )
  get<Page<AnswerRow>>(runPath(id, "answers"), { ...queryOf(route, fields), limit, offset }, signal).then(
    (page) =>
      replace(
        list,
        sortableTable<AnswerRow>(
          [
            { label: "Repeat", numeric: true, value: (a) => a.repeat },
            { label: "Round", numeric: true, value: (a) => a.round },
            { label: "Task", value: (a) => a.task },
            { label: "Method", value: (a) => a.method },
            { label: "Student", value: (a) => a.student },
            { label: "Item", value: (a) => a.itemId },
            { label: "Prompt", value: (a) => a.prompt, render: prompt },
            {
              label: "Output",
              value: (a) => a.answer,
              render: (a) => h("pre", { class: "answer" }, a.answer),
            },
            {
              label: "Expected",
              value: (a) => a.target,
              render: (a) => h("pre", { class: "answer" }, a.target),
            },
            { label: "Metric", value: (a) => a.metric },
            {
              label: "Score",
              numeric: true,
              value: (a) => a.score,
              render: (a) => h("span", { class: a.score > 0 ? "correct" : "wrong" }, String(a.score)),
            },
          ],
          page.rows,
          { testId: "answers-table", empty: "No graded answers match these filters." },
        ),
        pager(offset, limit, page.total, goToOffset(route)),
      ),
    (error: unknown) => {
      if (!signal.aborted) replace(list, errorBox(error))
    },
  )
}
