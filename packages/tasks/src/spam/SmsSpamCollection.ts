import { readFile } from "node:fs/promises"
import { Effect } from "effect"
import { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import type { SpamExample } from "./SpamExample.js"

/**
 * Loader for the public UCI "SMS Spam Collection" (Almeida, Gómez Hidalgo & Yamakami 2011): UTF-8 text, one
 * message per line, `ham<TAB>text` or `spam<TAB>text`. "ham" becomes the paper's "not spam". Item ids are
 * `sms-<line number>`. The data is not bundled; point this at a local copy.
 */

const expected = "`ham<TAB>message` or `spam<TAB>message`"

const preview = (line: string): string => (line.length > 60 ? `${line.slice(0, 60)}...` : line)

/** Parses the file's text; `file` only names the source in errors. A trailing newline is allowed. */
export const parseSmsSpamCollection = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<SpamExample>, MalformedLine> =>
  Effect.suspend(() => {
    const lines = text.split("\n")
    if (lines.at(-1) === "") lines.pop()
    const out: Array<SpamExample> = []
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/\r$/, "")
      const tab = line.indexOf("\t")
      const label = tab < 0 ? undefined : line.slice(0, tab)
      const message = tab < 0 ? "" : line.slice(tab + 1).trim()
      if ((label !== "ham" && label !== "spam") || message.length === 0) {
        const problem =
          tab < 0 ? "no tab" : label !== "ham" && label !== "spam" ? `label "${label}"` : "an empty message"
        return Effect.fail(
          new MalformedLine({
            file,
            line: i + 1,
            expected,
            found: preview(line),
            message: `${file}:${i + 1}: expected ${expected}, found ${problem}`,
          }),
        )
      }
      out.push({ id: `sms-${i + 1}`, text: message, label: label === "ham" ? "not spam" : "spam" })
    }
    return Effect.succeed(out)
  })

/** Reads and parses an SMS Spam Collection file. */
export const loadSmsSpamCollection = (
  file: string,
): Effect.Effect<ReadonlyArray<SpamExample>, DataFileUnreadable | MalformedLine> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (cause) =>
      new DataFileUnreadable({
        file,
        message: `cannot read the SMS Spam Collection at ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause,
      }),
  }).pipe(Effect.flatMap((text) => parseSmsSpamCollection(text, file)))
