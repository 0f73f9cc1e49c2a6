import { Effect, Either } from "effect"
import { readDataFile } from "../DataFile.js"
import { type JsonRecord, parseJsonLines, stringField } from "../JsonLines.js"
import type { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import type { YesNoExample, YesNoLabel } from "./YesNoExample.js"

/**
 * Loader for BoolQ (Clark et al. 2019) in either public JSON Lines layout:
 * - Google's release (`train.jsonl`, `dev.jsonl`): `{"question", "title", "answer": true|false, "passage"}`;
 *   the title is put before the passage as `<title> -- <passage>`, as SuperGLUE does;
 * - SuperGLUE's (`val.jsonl`, ...): `{"question", "passage", "idx", "label": true|false|"true"|"false"}`.
 * `true` is "yes". Item ids are `boolq-<line number>`. The data is not bundled; point this at a local copy.
 */

const expected = '`{"question": ..., "passage": ..., "answer": true|false}` (or SuperGLUE\'s `"label"`)'

const label = (record: JsonRecord): Either.Either<YesNoLabel, string> => {
  const key = "answer" in record.fields ? "answer" : "label" in record.fields ? "label" : undefined
  if (key === undefined) return Either.left('no "answer" or "label" field')
  const value = record.fields[key]
  if (value === true || value === "true" || value === "True") return Either.right("yes")
  if (value === false || value === "false" || value === "False") return Either.right("no")
  return Either.left(`"${key}" is ${JSON.stringify(value)}, not true or false`)
}

const title = (record: JsonRecord): string => {
  const value = record.fields.title
  return typeof value === "string" && value.trim().length > 0 ? `${value.trim()} -- ` : ""
}

/** Parses BoolQ JSON Lines; `file` only names the source in errors. */
export const parseBoolQ = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<YesNoExample>, MalformedLine> =>
  parseJsonLines(text, file, expected, (record) =>
    Either.all([stringField(record, "question"), stringField(record, "passage"), label(record)]).pipe(
      Either.map(([question, passage, answer]) => ({
        id: `boolq-${record.line}`,
        passage: `${title(record)}${passage}`,
        question,
        answer,
      })),
    ),
  )

/** Reads and parses a BoolQ JSON Lines file. */
export const loadBoolQ = (
  file: string,
): Effect.Effect<ReadonlyArray<YesNoExample>, DataFileUnreadable | MalformedLine> =>
  readDataFile(file, "the BoolQ file").pipe(Effect.flatMap((text) => parseBoolQ(text, file)))
