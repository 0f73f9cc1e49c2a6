/** Which side of its column a cell hugs. */
export type Align = "left" | "right"

/** Columns padded to their widest cell, two spaces apart, the header over a rule; `align(i)` per column. */
export const alignColumns = (
  header: ReadonlyArray<string>,
  body: ReadonlyArray<ReadonlyArray<string>>,
  align: (column: number) => Align,
): Array<string> => {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)))
  const line = (row: ReadonlyArray<string>) =>
    row
      .map((cell, i) => (align(i) === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd()
  return [line(header), line(widths.map((w) => "─".repeat(w))), ...body.map(line)]
}

export type CsvValue = string | number | boolean | undefined | null

/** RFC 4180 quoting; an absent value is an empty field. */
export const csvField = (value: CsvValue): string => {
  if (value === undefined || value === null) return ""
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** A header line and one line per row, ending with a newline. */
export const toCsv = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string =>
  [header.join(","), ...rows.map((row) => row.map(csvField).join(","))].join("\n") + "\n"
