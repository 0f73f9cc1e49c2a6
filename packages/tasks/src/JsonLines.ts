import { Effect, Either } from "effect"
import { previewLine, splitLines } from "./DataFile.js"
import { MalformedLine } from "./TaskError.js"

/** One JSON Lines record being decoded: its fields and its 1-based line number. */
export interface JsonRecord {
  readonly fields: Readonly<Record<string, unknown>>
  readonly line: number
}

/**
 * Parses JSON Lines: one JSON object per line, decoded by `decode` into a value or a description of what is
 * wrong with it. Blank lines carry no record and are skipped. The first bad line fails the whole parse with
 * a `MalformedLine` naming `file`, the line and `expected`.
 */
export const parseJsonLines = <A>(
  text: string,
  file: string,
  expected: string,
  decode: (record: JsonRecord) => Either.Either<A, string>,
): Effect.Effect<ReadonlyArray<A>, MalformedLine> =>
  Effect.suspend(() => {
    const lines = splitLines(text)
    const out: Array<A> = []
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line.trim().length === 0) continue
      const malformed = (problem: string) =>
        Effect.fail(
          new MalformedLine({
            file,
            line: i + 1,
            expected,
            found: previewLine(line),
            message: `${file}:${i + 1}: expected ${expected}, found ${problem}`,
          }),
        )
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        return malformed("invalid JSON")
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return malformed(
          Array.isArray(value) ? "an array" : `a JSON ${value === null ? "null" : typeof value}`,
        )
      }
      const decoded = decode({ fields: value as Record<string, unknown>, line: i + 1 })
      if (Either.isLeft(decoded)) return malformed(decoded.left)
      out.push(decoded.right)
    }
    return Effect.succeed(out)
  })

/** The non-empty string field `key`, or a description of why it is missing. */
export const stringField = (record: JsonRecord, key: string): Either.Either<string, string> => {
  const value = record.fields[key]
  if (value === undefined) return Either.left(`no "${key}" field`)
  if (typeof value !== "string") return Either.left(`"${key}" is a ${value === null ? "null" : typeof value}`)
  if (value.trim().length === 0) return Either.left(`an empty "${key}"`)
  return Either.right(value)
}
