// A real <table> whose headers sort on click (aria-sort says the order) and that copies itself as TSV.

import { h } from "./Dom.js"
import { cell } from "./Format.js"

export interface TableColumn<Row> {
  readonly label: string
  readonly numeric?: boolean
  /** The value sorted on and copied; defaults to nothing (a column of controls). */
  readonly value?: (row: Row) => unknown
  /** What the cell shows; defaults to the value as text. */
  readonly render?: (row: Row) => Node | string
}

export interface TableOptions {
  readonly caption?: string
  readonly testId?: string
  /** Sort on the client; false when the server sorts (the runs list), then `onSort` is called instead. */
  readonly onSort?: (columnIndex: number, order: "asc" | "desc") => void
  readonly sorted?: { readonly column: number; readonly order: "asc" | "desc" }
  readonly copy?: boolean
  readonly empty?: string
}

const compare = (a: unknown, b: unknown, numeric: boolean) => {
  if (a === b) return 0
  if (a === null || a === undefined || a === "") return 1
  if (b === null || b === undefined || b === "") return -1
  if (numeric) return Number(a) - Number(b)
  return String(a).localeCompare(String(b), undefined, { numeric: true })
}

const tsvCell = (value: unknown) => cell(value).replace(/[\t\n\r]+/g, " ")

export const toTsv = <Row>(columns: ReadonlyArray<TableColumn<Row>>, rows: ReadonlyArray<Row>) => {
  const copied = columns.filter((column) => column.value !== undefined)
  return [
    copied.map((column) => column.label).join("\t"),
    ...rows.map((row) => copied.map((column) => tsvCell(column.value?.(row))).join("\t")),
  ].join("\n")
}

/** The clipboard API needs a secure context; 127.0.0.1 is one, a LAN address with --host is not. */
const copyText = async (text: string) => {
  if (navigator.clipboard !== undefined && window.isSecureContext) return navigator.clipboard.writeText(text)
  const area = h("textarea", { class: "offscreen" })
  area.value = text
  document.body.appendChild(area)
  area.select()
  document.execCommand("copy")
  area.remove()
}

export const sortableTable = <Row>(
  columns: ReadonlyArray<TableColumn<Row>>,
  rows: ReadonlyArray<Row>,
  options: TableOptions = {},
): HTMLElement => {
  let sorted = options.sorted
  let shown = [...rows]
  const tbody = h("tbody")
  const headers = columns.map((column, index) =>
    h(
      "th",
      { scope: "col", class: column.numeric === true ? "num" : undefined },
      column.value === undefined
        ? column.label
        : h("button", { type: "button", class: "sort", onclick: () => sortBy(index) }, column.label),
    ),
  )
  const fill = () => {
    headers.forEach((th, index) => {
      if (sorted?.column === index)
        th.setAttribute("aria-sort", sorted.order === "asc" ? "ascending" : "descending")
      else th.removeAttribute("aria-sort")
    })
    tbody.replaceChildren(
      ...(shown.length === 0
        ? [h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, options.empty ?? "No rows."))]
        : shown.map((row) =>
            h(
              "tr",
              {},
              columns.map((column) =>
                h(
                  "td",
                  { class: column.numeric === true ? "num" : undefined },
                  column.render?.(row) ?? cell(column.value?.(row)),
                ),
              ),
            ),
          )),
    )
  }
  const sortBy = (index: number) => {
    const order = sorted?.column === index && sorted.order === "asc" ? "desc" : "asc"
    sorted = { column: index, order }
    if (options.onSort !== undefined) return options.onSort(index, order)
    const column = columns[index]
    const value = column?.value ?? (() => undefined)
    const sign = order === "asc" ? 1 : -1
    shown = [...rows].sort((a, b) => sign * compare(value(a), value(b), column?.numeric === true))
    fill()
  }
  fill()
  const table = h(
    "table",
    { "data-testid": options.testId },
    options.caption === undefined ? null : h("caption", {}, options.caption),
    h("thead", {}, h("tr", {}, headers)),
    tbody,
  )
  if (options.copy !== true) return h("div", { class: "table-wrap" }, table)
  const status = h("span", { class: "status", role: "status" })
  const copy = h(
    "button",
    {
      type: "button",
      class: "copy",
      onclick: () => {
        copyText(toTsv(columns, shown)).then(
          () => (status.textContent = "Copied."),
          (error: unknown) => (status.textContent = `Could not copy: ${String(error)}`),
        )
      },
    },
    "Copy as TSV",
  )
  return h("div", { class: "table-wrap" }, h("div", { class: "table-tools" }, copy, status), table)
}
