import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import { DataFileUnreadable } from "./TaskError.js"

/** Reads a UTF-8 data file, without a byte-order mark; `what` names the format in the error ("the GSM8K file"). */
export const readDataFile = (file: string, what: string): Effect.Effect<string, DataFileUnreadable> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new DataFileUnreadable({
        file,
        message: `cannot read ${what} at ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      }),
  }).pipe(Effect.map((text) => text.replace(/^\uFEFF/, "")))

/** A line shortened for error messages. */
export const previewLine = (line: string): string => (line.length > 60 ? `${line.slice(0, 60)}...` : line)

/** The lines of a text file without line terminators; a final newline does not make an extra empty line. */
export const splitLines = (text: string): Array<string> => {
  const lines = text.split("\n").map((line) => line.replace(/\r$/, ""))
  if (lines.at(-1) === "") lines.pop()
  return lines
}
