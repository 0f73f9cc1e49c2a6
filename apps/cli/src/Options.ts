import { Options } from "@effect/cli"

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
