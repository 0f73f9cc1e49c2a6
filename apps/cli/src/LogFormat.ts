import { inspect } from "node:util"
import { tracedParentOf } from "@lyceum/core"
import { Cause, Context, Either, HashMap, Inspectable, List, Logger } from "effect"

export const logFormats = ["text", "json"] as const
export type LogFormat = (typeof logFormats)[number]

/** The command's `--log-format`, for what writes to stderr outside the logger (a run's progress). */
export class LogFormatSetting extends Context.Tag("@lyceum/cli/LogFormatSetting")<
  LogFormatSetting,
  LogFormat
>() {}

/**
 * `--log-format text|json` taken out of the command line, wherever it stands (like @effect/cli's own
 * `--log-level`, it applies to every command), with the arguments left for @effect/cli. `text` is the default.
 */
export const takeLogFormat = (
  argv: ReadonlyArray<string>,
): Either.Either<{ readonly format: LogFormat; readonly argv: ReadonlyArray<string> }, string> => {
  let format: string = "text"
  const rest: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === "--") {
      rest.push(...argv.slice(i))
      break
    }
    if (arg === "--log-format") {
      const value = argv[i + 1]
      if (value === undefined) return Either.left("--log-format needs a value: text or json")
      format = value
      i++
    } else if (arg.startsWith("--log-format=")) format = arg.slice("--log-format=".length)
    else rest.push(arg)
  }
  return (logFormats as ReadonlyArray<string>).includes(format)
    ? Either.right({ format: format as LogFormat, argv: rest })
    : Either.left(`--log-format ${format}: expected text or json`)
}

const structured = (value: unknown): unknown => {
  const plain = Inspectable.toJSON(value)
  return plain instanceof Error ? { name: plain.name, message: plain.message } : plain
}

/**
 * One JSON object per line on stderr: `timestamp`, `level` (as `--log-level` names it: debug, info, warning, ...), `message` (a string, or an array for
 * several values), and when present `annotations` (runId, cohort, ...), `spans` (log spans, ms), `cause`
 * (pretty-printed), `traceId`/`spanId` (the OpenTelemetry span the line was logged in, when tracing is on).
 */
export const jsonLogger = (write: (line: string) => void = (line) => process.stderr.write(line)) =>
  Logger.make(({ logLevel, message, date, annotations, spans, cause, context }) => {
    const messages = Array.isArray(message) ? message : [message]
    const entry: Record<string, unknown> = {
      timestamp: date.toISOString(),
      level: logLevel._tag.toLowerCase(),
      message: messages.length === 1 ? structured(messages[0]) : messages.map(structured),
    }
    if (HashMap.size(annotations) > 0) {
      const out: Record<string, unknown> = {}
      for (const [key, value] of annotations) out[key] = structured(value)
      entry.annotations = out
    }
    if (List.isCons(spans)) {
      const now = date.getTime()
      const out: Record<string, number> = {}
      for (const span of spans) out[span.label] = now - span.startTime
      entry.spans = out
    }
    if (!Cause.isEmpty(cause)) entry.cause = Cause.pretty(cause)
    const span = tracedParentOf(context)
    if (span !== undefined) {
      entry.traceId = span.traceId
      entry.spanId = span.spanId
    }
    write(`${safeStringify(entry)}\n`)
  })

/** A line said outside Effect's logger (a failure report, "stopping"), in the same shape as `jsonLogger`'s. */
export const jsonLine = (level: "info" | "warning" | "error", message: string): string =>
  JSON.stringify({ timestamp: new Date().toISOString(), level, message })

const safeStringify = (entry: Record<string, unknown>): string => {
  try {
    return JSON.stringify(entry)
  } catch {
    // A value JSON cannot hold (a cycle, a BigInt): said as text rather than lost.
    const text = (value: unknown) => inspect(value, { depth: 6, breakLength: Number.POSITIVE_INFINITY })
    return JSON.stringify({ ...entry, message: text(entry.message), annotations: text(entry.annotations) })
  }
}

/** `--log-format json`: Effect's default logger replaced by `jsonLogger` on stderr. */
export const jsonLoggerLayer = Logger.replace(Logger.defaultLogger, jsonLogger())
