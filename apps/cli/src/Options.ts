import { Options } from "@effect/cli"

/** Options several commands share. */
export const dbOption = Options.file("db").pipe(
  Options.withDescription("SQLite database file with the runs"),
  Options.withDefault("lyceum.db"),
)

export const verboseOption = Options.boolean("verbose").pipe(
  Options.withDescription("show full error causes with stack traces"),
)
