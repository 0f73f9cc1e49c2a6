import escapeHtml from "escape-html"
import { type CellValue, type Column, cellText, type ReportTable } from "./ReportTable.js"

/**
 * A report table as a real HTML `<table>`: its notes above, a header per column, a "copy as TSV" button. The
 * page's one script (`HtmlInteraction.ts`) sorts by a header's column when it is clicked (numbers as numbers,
 * each cell's exact value in `data-value`) and copies the table as tab-separated values.
 */
export const htmlTable = (table: ReportTable, empty: string): string => {
  if (table.rows.length === 0) return `<p>${escapeHtml(empty)}</p>`
  const numeric = (c: Column) => c.type === "integer" || c.type === "real"
  const head = table.columns
    .map(
      (c, i) =>
        `<th scope="col" data-col="${i}" data-type="${numeric(c) ? "number" : "text"}" aria-sort="none" ` +
        `title="sort by ${escapeHtml(c.name)}">${escapeHtml(c.name)}</th>`,
    )
    .join("")
  const body = table.rows
    .map((row) => `<tr>${table.columns.map((c, i) => cell(c, row[i])).join("")}</tr>`)
    .join("")
  const notes =
    table.notes === undefined || table.notes.length === 0
      ? ""
      : `<p class="notes">${table.notes.map((n) => escapeHtml(n)).join("<br>")}</p>`
  return (
    `<div class="report-table">${notes}` +
    `<button type="button" class="copy-tsv" title="copy the table as tab-separated values">copy as TSV</button>` +
    `<table class="sortable" data-table="${escapeHtml(table.table)}"><thead><tr>${head}</tr></thead>` +
    `<tbody>${body}</tbody></table></div>`
  )
}

/** A cell shows its rounded text; `data-value` keeps the exact value for sorting and copying ("" if none). */
const cell = (column: Column, value: CellValue | undefined): string => {
  const exact = value === null || value === undefined ? "" : String(value)
  const align = column.type === "integer" || column.type === "real" ? ' class="num"' : ""
  return `<td${align} data-value="${escapeHtml(exact)}">${escapeHtml(cellText(column, value, false))}</td>`
}
