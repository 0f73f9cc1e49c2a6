/**
 * The static HTML report's interactivity, with no server and no network: one inline script, delegated from
 * the document, that sorts a table by the header clicked (numbers as numbers, by each cell's `data-value`;
 * empty cells last), copies a table as tab-separated values, and hides or shows a chart's series when its
 * legend entry is clicked. Charts' hover values are SVG `<title>`s and need no script.
 */
/**
 * The order of two cells' values sorted ascending (`direction` 1) or descending (-1): numbers by value in a
 * numeric column, text with digit runs as numbers ("item-2" before "item-10"); empty cells (nothing measured)
 * last either way. Self-contained: its source is inlined into the page's script.
 */
export function compareCells(x: string, y: string, numeric: boolean, direction: number): number {
  if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1
  if (numeric) {
    const a = Number(x)
    const b = Number(y)
    if (!Number.isNaN(a) && !Number.isNaN(b) && a !== b) return direction * (a - b)
  }
  return direction * x.localeCompare(y, undefined, { numeric: true })
}

/** A table's rows (header first) as tab-separated values; a tab or line break inside a cell becomes a space. */
export function toTsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return `${rows.map((row) => row.map((cell) => cell.replace(/[\t\r\n]+/g, " ")).join("\t")).join("\n")}\n`
}

export const INTERACTION_SCRIPT = `(function () {
  "use strict";
  var compareCells = ${compareCells.toString()};
  var toTsv = ${toTsv.toString()};
  function valueOf(cell) {
    var v = cell.getAttribute("data-value");
    return v === null ? cell.textContent : v;
  }
  function sortBy(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var col = Number(th.getAttribute("data-col"));
    var numeric = th.getAttribute("data-type") === "number";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r, s) { return compareCells(valueOf(r.cells[col]), valueOf(s.cells[col]), numeric, dir); });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function tsv(table) {
    return toTsv(Array.prototype.map.call(table.rows, function (row) {
      return Array.prototype.map.call(row.cells, valueOf);
    }));
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function copy(button) {
    var text = tsv(button.parentNode.querySelector("table"));
    var label = button.textContent;
    function done(ok) {
      button.textContent = ok ? "copied" : "copy failed";
      setTimeout(function () { button.textContent = label; }, 1500);
    }
    if (navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
    else done(fallbackCopy(text));
  }
  function toggle(entry) {
    var svg = entry.closest("svg");
    var off = entry.classList.toggle("off");
    entry.setAttribute("aria-pressed", off ? "false" : "true");
    var label = entry.getAttribute("data-label");
    Array.prototype.forEach.call(svg.querySelectorAll("g.series"), function (series) {
      if (series.getAttribute("data-label") === label) series.classList.toggle("off", off);
    });
  }
  function act(target) {
    if (!(target instanceof Element)) return false;
    var th = target.closest("table.sortable th");
    if (th) { sortBy(th); return true; }
    var button = target.closest("button.copy-tsv");
    if (button) { copy(button); return true; }
    var entry = target.closest(".legend-entry");
    if (entry) { toggle(entry); return true; }
    return false;
  }
  document.addEventListener("click", function (event) { act(event.target); });
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target instanceof Element &&
      event.target.matches("table.sortable th, .legend-entry") && act(event.target)) event.preventDefault();
  });
})();`

/** The styles of the interactive parts: sortable headers, the copy button, toggled series. */
export const INTERACTION_STYLE = `
table.sortable { border-collapse: collapse; font-size: 13px; margin: .3rem 0 1rem; }
table.sortable th, table.sortable td { padding: 2px 8px; border-bottom: 1px solid #e2e2e2; white-space: nowrap; }
table.sortable th { cursor: pointer; background: #f3f3f3; text-align: left; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 9px; }
table.sortable th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 9px; }
table.sortable td.num { text-align: right; font-variant-numeric: tabular-nums; }
.report-table { overflow-x: auto; } .notes { color: #555; font-size: 13px; }
button.copy-tsv { font-size: 12px; margin: .4rem 0 0; cursor: pointer; }
.legend-entry { cursor: pointer; } .legend-entry.off { opacity: .35; } g.series.off { display: none; }
`
