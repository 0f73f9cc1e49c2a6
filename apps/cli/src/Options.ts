import { Options } from "@effect/cli"
import { progressModes } from "./ProgressView.js"

/** Options several commands share. */
export const dbOption = Options.file("db").pipe(
  Options.withDescription("SQLite database file with the runs"),
  Options.withDefault("lyceum.db"),
)

export const verboseOption = Options.boolean("verbose").pipe(
  Options.withDescription("show full error causes with stack traces"),
)

export const natsOption = Options.text("nats").pipe(
  Options.withDescription(
    "run the agents over NATS at this server URL (e.g. nats://127.0.0.1:4222) instead of in process; " +
      "credentials: --nats-user and the other --nats-* flags, or NATS_* variables",
  ),
  Options.optional,
)

export const yesOption = Options.boolean("yes").pipe(
  Options.withDescription(
    "start a scenario whose planned work (printed by lyceum validate) is large, without a budget: in it",
  ),
)

export const progressOption = Options.choice("progress", progressModes).pipe(
  Options.withDescription(
    "progress on stderr: live (one block redrawn in place: cohorts, steps, calls, tokens, cost, ETA), plain " +
      "(one line per finished step), none; auto (default): live on a terminal, plain when piped",
  ),
  Options.withDefault("auto" as const),
)

export const quietOption = Options.boolean("quiet").pipe(
  Options.withAlias("q"),
  Options.withDescription("print no progress and no summary; errors are still printed"),
)

/** `--format` of `run` and `validate`: text for people, one JSON document on stdout for programs. */
export const formatOption = Options.choice("format", ["text", "json"]).pipe(
  Options.withDescription("text (default), or json: one JSON document on stdout (progress stays on stderr)"),
  Options.withDefault("text" as const),
)
