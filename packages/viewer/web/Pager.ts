// Previous/next over a server-paginated list (limit/offset), with the range shown.
import { h } from "./Dom.js"
import { integer } from "./Format.js"

export const pager = (offset: number, limit: number, total: number, go: (offset: number) => void) =>
  h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    h(
      "button",
      { type: "button", disabled: offset <= 0, onclick: () => go(Math.max(0, offset - limit)) },
      "← Previous",
    ),
    h(
      "span",
      { "data-testid": "page-range" },
      total === 0
        ? "No rows"
        : `${integer(offset + 1)}–${integer(Math.min(total, offset + limit))} of ${integer(total)}`,
    ),
    h(
      "button",
      { type: "button", disabled: offset + limit >= total, onclick: () => go(offset + limit) },
      "Next →",
    ),
  )
