// `#/run/:id/lesson/:lessonId`: one lesson's filter decision — action, detector, reason — and its findings with
// their spans highlighted in the text. The server masks secret spans, so a secret never reaches the page.
import { get, type LessonDetail, runPath } from "../Api.js"
import { errorBox, h, link, replace } from "../Dom.js"
import { cell } from "../Format.js"
import { highlighted } from "../Highlight.js"
import { hashOf, type PageContext } from "../Router.js"
import { sortableTable } from "../SortableTable.js"

const shown = [
  "repeat",
  "round",
  "task",
  "method",
  "teacher",
  "student",
  "kind",
  "sent",
  "chosen",
  "distance",
  "verbatimCopy",
  "smuggle",
  "rankedBy",
]

export const lessonPage = ({ route, root, signal }: PageContext) => {
  const id = route.path[1] ?? ""
  const lessonId = route.path[3] ?? ""
  const body = h("div", {}, "Loading…")
  replace(
    root,
    h(
      "p",
      { class: "crumbs" },
      link("#/", "Runs"),
      " / ",
      link(hashOf(["run", id]), id),
      " / ",
      link(hashOf(["run", id, "lessons"]), "lessons"),
    ),
    h("h1", {}, "Lesson ", h("code", {}, lessonId)),
    body,
  )
  get<LessonDetail>(runPath(id, "lessons", lessonId), {}, signal).then(
    ({ lesson, findings }) => {
      const action = String(lesson.filterAction ?? lesson.action ?? "")
      const detector = lesson.filterDetector ?? lesson.detector
      const reason = lesson.filterReason ?? lesson.reason
      const text = lesson.text
      replace(
        body,
        h(
          "section",
          { class: `decision action-${action}`, "data-testid": "decision", "aria-labelledby": "h-decision" },
          h("h2", { id: "h-decision" }, "Filter decision"),
          h(
            "dl",
            { class: "summary" },
            h("dt", {}, "Action"),
            h("dd", { "data-testid": "decision-action" }, action),
            h("dt", {}, "Detector"),
            h("dd", { "data-testid": "decision-detector" }, cell(detector) || "–"),
            h("dt", {}, "Reason"),
            h("dd", { "data-testid": "decision-reason" }, cell(reason) || "–"),
          ),
        ),
        h(
          "section",
          { "aria-labelledby": "h-text" },
          h("h2", { id: "h-text" }, "Text"),
          text === ""
            ? h(
                "p",
                { class: "note" },
                "Not stored: a withheld lesson's text stays with its teacher unless the scenario sets privacy.keepDroppedText.",
              )
            : highlighted(text, findings),
        ),
        h(
          "section",
          { "aria-labelledby": "h-findings" },
          h("h2", { id: "h-findings" }, "Findings"),
          sortableTable(
            [
              { label: "Detector", value: (f) => f.detector },
              { label: "Action", value: (f) => f.action },
              { label: "Start", numeric: true, value: (f) => f.start },
              { label: "End", numeric: true, value: (f) => f.end },
              { label: "Reason", value: (f) => f.reason },
              {
                label: "Matched (hash)",
                value: (f) => f.matchedHash,
                render: (f) => h("code", {}, f.matchedHash.slice(0, 12)),
              },
            ],
            findings,
            { testId: "findings", empty: "No findings: the filter passed this lesson." },
          ),
        ),
        h(
          "section",
          { "aria-labelledby": "h-details" },
          h("h2", { id: "h-details" }, "Details"),
          h(
            "dl",
            { class: "summary" },
            shown
              .filter((key) => key in lesson)
              .flatMap((key) => [h("dt", {}, key), h("dd", {}, cell(lesson[key]))]),
          ),
        ),
      )
    },
    (error: unknown) => {
      if (!signal.aborted) replace(body, errorBox(error))
    },
  )
}
