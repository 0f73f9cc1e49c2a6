// `#/run/:id/lessons`: the lessons of a run, filtered (action, round, task, method, teacher, student), paginated;
// each row opens its filter decision.
import { get, type LessonRow, type Page, runPath } from "../Api.js"
import { errorBox, h, link, replace } from "../Dom.js"
import { type FilterField, filterForm, goToOffset, offsetOf, queryOf } from "../ListFilters.js"
import { pager } from "../Pager.js"
import { hashOf, type PageContext } from "../Router.js"
import { sortableTable } from "../SortableTable.js"

const limit = 50

const fields: ReadonlyArray<FilterField> = [
  {
    name: "action",
    label: "Filter action",
    options: ["allow", "flag", "redact", "drop"].map((a) => [a, a] as const),
  },
  { name: "repeat", label: "Repeat", numeric: true },
  { name: "round", label: "Round", numeric: true },
  { name: "task", label: "Task" },
  { name: "method", label: "Method" },
  { name: "teacher", label: "Teacher" },
  { name: "student", label: "Student" },
]

export const lessonsPage = ({ route, root, signal }: PageContext) => {
  const id = route.path[1] ?? ""
  const offset = offsetOf(route)
  const list = h("div", { "aria-live": "polite" }, "Loading…")
  replace(
    root,
    h("p", { class: "crumbs" }, link("#/", "Runs"), " / ", link(hashOf(["run", id]), id), " / lessons"),
    h("h1", {}, "Lessons"),
    filterForm(route, fields),
    list,
  )
  get<Page<LessonRow>>(runPath(id, "lessons"), { ...queryOf(route, fields), limit, offset }, signal).then(
    (page) =>
      replace(
        list,
        sortableTable<LessonRow>(
          [
            {
              label: "Lesson",
              value: (l) => l.id,
              // Ids repeat the row's task, method, agents, repeat and round: the link shows the last part.
              render: (l) =>
                h(
                  "a",
                  { href: hashOf(["run", id, "lesson", l.id]), title: l.id, "aria-label": `lesson ${l.id}` },
                  h("span", { "data-testid": "lesson-link" }, `#${l.id.split("/").pop() ?? l.id}`),
                ),
            },
            { label: "Repeat", numeric: true, value: (l) => l.repeat },
            { label: "Round", numeric: true, value: (l) => l.round },
            { label: "Method", value: (l) => l.method },
            { label: "Teacher", value: (l) => l.teacher },
            { label: "Student", value: (l) => l.student },
            {
              label: "Action",
              value: (l) => l.action,
              render: (l) => h("span", { class: `action action-${l.action}` }, l.action),
            },
            { label: "Detector", value: (l) => l.detector },
            {
              label: "Reason",
              value: (l) => l.reason,
              render: (l) => h("span", { class: "reason" }, l.reason ?? ""),
            },
            { label: "Sent", value: (l) => Boolean(l.sent) },
            { label: "Chosen", value: (l) => Boolean(l.chosen) },
            {
              label: "Text",
              value: (l) => l.textPreview,
              render: (l) => h("span", { class: "preview" }, l.textPreview),
            },
          ],
          page.rows,
          { testId: "lessons-table", copy: true, empty: "No lessons match these filters." },
        ),
        pager(offset, limit, page.total, goToOffset(route)),
      ),
    (error: unknown) => {
      if (!signal.aborted) replace(list, errorBox(error))
    },
  )
}
