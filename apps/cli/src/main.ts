import { Command, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Either, Option } from "effect"
import { formatFailure } from "./ErrorReport.js"
import { jsonLine, LogFormatSetting, takeLogFormat } from "./LogFormat.js"
import { modelsCommand } from "./ModelsCommand.js"
import { reportCommand } from "./ReportCommand.js"
import { runCommand } from "./RunCommand.js"
import { runsCommand } from "./RunsCommand.js"
import { schemaCommand } from "./SchemaCommand.js"
import { watchStopSignals } from "./Signals.js"
import { telemetryLayer } from "./Telemetry.js"
import { terminalLayer } from "./Terminal.js"
import { validateCommand } from "./ValidateCommand.js"
import { viewCommand } from "./ViewCommand.js"
import { version } from "./version.js"
import { workerCommand } from "./WorkerCommand.js"

const lyceum = Command.make("lyceum").pipe(
  Command.withDescription(
    "Social learning among language-model agents, measured. Every command also takes --log-format text|json " +
      "(logs on stderr); OTEL_EXPORTER_OTLP_ENDPOINT turns on OpenTelemetry traces and metrics.",
  ),
  Command.withSubcommands([
    runCommand,
    runsCommand,
    validateCommand,
    reportCommand,
    viewCommand,
    workerCommand,
    modelsCommand,
    schemaCommand,
  ]),
)

const cli = Command.run(lyceum, { name: "lyceum", version })

// `lyceum report --format csv | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})
// Progress and logs go to stderr; a reader that closes it (`2>&1 | head`) must not kill a run mid-round, so the
// run goes on without them and finishes its bookkeeping.
process.stderr.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error
})

// `--log-format text|json` applies to every command, like @effect/cli's own --log-level; @effect/cli never sees it.
const logFormat = takeLogFormat(process.argv)
if (Either.isLeft(logFormat)) {
  process.stderr.write(`${logFormat.left}\n`)
  process.exit(1)
}
// What is said on stderr outside the logger: as it is, or as one JSON log line with --log-format json.
const say = (level: "warning" | "error", text: string, gap = "") =>
  process.stderr.write(logFormat.right.format === "json" ? `${jsonLine(level, text)}\n` : `${gap}${text}\n`)

const signals = watchStopSignals((line) => say("warning", line, "\n"))

// @effect/cli has already printed its own usage errors; everything else is reported here, in one paragraph.
const verbose = process.argv.includes("--verbose")
cli(logFormat.right.argv).pipe(
  // A finaliser, so it also runs when a signal interrupted the command (a stopped run says how to resume).
  Effect.onError((cause) =>
    Effect.sync(() => {
      process.exitCode = 1
      const failure = Cause.failureOption(cause)
      const isUsageError = Option.isSome(failure) && ValidationError.isValidationError(failure.value)
      // Stopped by a signal: "stopping" was said, and a stopped run has said how to resume (RunCommand).
      const quietStop = signals.received() !== undefined && Cause.isInterruptedOnly(cause)
      if (!isUsageError && !quietStop) say("error", formatFailure(cause, verbose))
    }),
  ),
  // OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set (README: Observability), flushed as the command ends.
  Effect.provide(telemetryLayer(process.env, version)),
  Effect.provide(NodeContext.layer),
  // Plain text when piped or NO_COLOR is set; logs on stderr at --log-level, as text or JSON lines.
  Effect.provide(terminalLayer(Effect.runSync(Effect.console), process, logFormat.right.format)),
  Effect.provideService(LogFormatSetting, logFormat.right.format),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown: signals.teardown }),
)
