import { Effect } from "effect"
import { MalformedLine } from "../TaskError.js"

const preview = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > 60 ? `${flat.slice(0, 60)}...` : flat
}

/** A `MalformedLine` whose message reads `<file>:<line>: expected <expected>, found <problem>`. */
export const malformed = (
  file: string,
  line: number,
  expected: string,
  problem: string,
  found: string = problem,
): MalformedLine =>
  new MalformedLine({
    file,
    line,
    expected,
    found: preview(found),
    message: `${file}:${line}: expected ${expected}, found ${problem}`,
  })

/** A JSON value with the 1-based line it starts on, so structural errors can name their line. */
export type JsonNode =
  | {
      readonly kind: "object"
      readonly line: number
      readonly entries: ReadonlyArray<readonly [string, JsonNode]>
    }
  | { readonly kind: "array"; readonly line: number; readonly items: ReadonlyArray<JsonNode> }
  | { readonly kind: "string"; readonly line: number; readonly value: string }
  | { readonly kind: "number"; readonly line: number; readonly value: number }
  | { readonly kind: "boolean"; readonly line: number; readonly value: boolean }
  | { readonly kind: "null"; readonly line: number }

class JsonSyntax {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {}
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/** Parses JSON, recording each value's line; a syntax error becomes a `MalformedLine` at its line. */
export const parseJsonWithLines = (text: string, file: string): Effect.Effect<JsonNode, MalformedLine> =>
  Effect.suspend(() => {
    let at = 0
    let line = 1
    const skip = () => {
      for (;;) {
        const c = text.charCodeAt(at)
        if (c === 10) line++
        else if (c !== 32 && c !== 9 && c !== 13) return
        at++
      }
    }
    const fail = (problem: string): never => {
      throw new JsonSyntax(line, problem)
    }
    const found = () => (at >= text.length ? "the end of the file" : `"${text.charAt(at)}"`)
    const string = (): string => {
      const start = at
      at++
      for (;;) {
        const c = text.charCodeAt(at)
        if (Number.isNaN(c) || c === 10) fail("an unterminated string")
        if (c === 92) at += 2
        else if (c === 34) break
        else at++
      }
      at++
      try {
        return JSON.parse(text.slice(start, at)) as string
      } catch {
        return fail("a bad escape in a string")
      }
    }
    const value = (): JsonNode => {
      skip()
      const start = line
      const c = text.charAt(at)
      if (c === "{") {
        at++
        const entries: Array<readonly [string, JsonNode]> = []
        skip()
        if (text.charAt(at) === "}") {
          at++
          return { kind: "object", line: start, entries }
        }
        for (;;) {
          skip()
          if (text.charAt(at) !== '"') fail(`${found()} where a key should be`)
          const key = string()
          skip()
          if (text.charAt(at) !== ":") fail(`${found()} where ":" should be`)
          at++
          entries.push([key, value()])
          skip()
          const next = text.charAt(at)
          at++
          if (next === "}") return { kind: "object", line: start, entries }
          if (next !== ",") {
            at--
            fail(`${found()} where "," or "}" should be`)
          }
        }
      }
      if (c === "[") {
        at++
        const items: Array<JsonNode> = []
        skip()
        if (text.charAt(at) === "]") {
          at++
          return { kind: "array", line: start, items }
        }
        for (;;) {
          items.push(value())
          skip()
          const next = text.charAt(at)
          at++
          if (next === "]") return { kind: "array", line: start, items }
          if (next !== ",") {
            at--
            fail(`${found()} where "," or "]" should be`)
          }
        }
      }
      if (c === '"') return { kind: "string", line: start, value: string() }
      for (const [word, node] of [
        ["true", { kind: "boolean", line: start, value: true }],
        ["false", { kind: "boolean", line: start, value: false }],
        ["null", { kind: "null", line: start }],
      ] as const) {
        if (text.startsWith(word, at)) {
          at += word.length
          return node
        }
      }
      numberPattern.lastIndex = at
      const number = numberPattern.exec(text)
      if (number === null) return fail(`${found()} where a value should be`)
      at += number[0].length
      return { kind: "number", line: start, value: Number(number[0]) }
    }
    try {
      const root = value()
      skip()
      if (at < text.length) fail(`${found()} after the end of the JSON value`)
      return Effect.succeed(root)
    } catch (error) {
      if (!(error instanceof JsonSyntax)) throw error
      return Effect.fail(malformed(file, error.line, "valid JSON", error.problem))
    }
  })

/** One CSV record and the line it starts on. */
export interface CsvRecord {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

/**
 * Parses RFC 4180 CSV: comma-separated fields, records ending in LF or CRLF, double-quoted fields that may
 * hold commas, newlines and `""`. Blank lines are skipped. An unterminated quote fails at the record's line.
 */
export const parseCsv = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<CsvRecord>, MalformedLine> =>
  Effect.suspend(() => {
    const records: Array<CsvRecord> = []
    let fields: Array<string> = []
    let field = ""
    let line = 1
    let start = 1
    let i = 0
    const endRecord = () => {
      fields.push(field)
      if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields })
      fields = []
      field = ""
    }
    while (i < text.length) {
      const c = text.charAt(i)
      if (c === '"' && field === "") {
        const open = line
        i++
        for (;;) {
          if (i >= text.length)
            return Effect.fail(malformed(file, open, "a closing quote", "an unterminated quoted field"))
          const q = text.charAt(i)
          if (q === '"') {
            if (text.charAt(i + 1) === '"') {
              field += '"'
              i += 2
              continue
            }
            i++
            break
          }
          if (q === "\n") line++
          field += q
          i++
        }
        continue
      }
      if (c === ",") {
        fields.push(field)
        field = ""
      } else if (c === "\n") {
        endRecord()
        line++
        start = line
      } else if (c !== "\r" || text.charAt(i + 1) !== "\n") {
        field += c
      }
      i++
    }
    if (field !== "" || fields.length > 0) endRecord()
    return Effect.succeed(records)
  })
