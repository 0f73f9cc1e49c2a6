import { Command, ValidationError } from "@effect/cli"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Option } from "effect"
import { formatFailure } from "./ErrorReport.js"
import { modelsCommand } from "./ModelsCommand.js"
import { reportCommand } from "./ReportCommand.js"
import { runCommand } from "./RunCommand.js"
import { runsCommand } from "./RunsCommand.js"
import { schemaCommand } from "./SchemaCommand.js"
import { watchStopSignals } from "./Signals.js"
import { terminalLayer } from "./Terminal.js"
import { validateCommand } from "./ValidateCommand.js"
import { version } from "./version.js"
import { viewCommand } from "./ViewCommand.js"
import { workerCommand } from "./WorkerCommand.js"

const lyceum = Command.make("lyceum").pipe(
  Command.withDescription("Social learning among language-model agents, measured."),
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

const signals = watchStopSignals((line) => process.stderr.write(`\n${line}\n`))

// @effect/cli has already printed its own usage errors; everything else is reported here, in one paragraph.
const verbose = process.argv.includes("--verbose")
cli(process.argv).pipe(
  // A finaliser, so it also runs when a signal interrupted the command (a stopped run says how to resume).
  Effect.onError((cause) =>
    Effect.sync(() => {
      process.exitCode = 1
      const failure = Cause.failureOption(cause)
      const isUsageError = Option.isSome(failure) && ValidationError.isValidationError(failure.value)
      // Stopped by a signal: "stopping" was said, and a stopped run has said how to resume (RunCommand).
      const quietStop = signals.received() !== undefined && Cause.isInterruptedOnly(cause)
      if (!isUsageError && !quietStop) process.stderr.write(`${formatFailure(cause, verbose)}\n`)
    }),
  ),
  Effect.provide(NodeContext.layer),
  // Plain text when piped or NO_COLOR is set; logs on stderr at --log-level.
  Effect.provide(terminalLayer(Effect.runSync(Effect.console))),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown: signals.teardown }),
)
