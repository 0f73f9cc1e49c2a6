import { queryRows } from "@lyceum/report"
import type { Store, StoreError } from "@lyceum/store"
import { Effect, Option, Schema } from "effect"
import { AggregatorConfig, ProposerConfig, variantsOf } from "../config/EnsembleConfig.js"

/**
 * The scenario's order of a run's methods (variants: a cascade's thresholds in its order) and proposers, from
 * the scenario stored with the run, so tables list them as the scenario did. A name the stored scenario does
 * not list (a run written without one) comes after, by name.
 */
export interface RunOrder {
  readonly method: (label: string) => number
  readonly proposer: (name: string) => number
}

const StoredScenario = Schema.parseJson(
  Schema.Struct({
    aggregators: Schema.NonEmptyArray(AggregatorConfig),
    proposers: Schema.Array(Schema.Struct({ name: ProposerConfig.fields.name })),
  }),
)

const rankIn = (names: ReadonlyArray<string>) => (name: string) => {
  const at = names.indexOf(name)
  return at === -1 ? names.length : at
}

export const runOrder = (runId: string): Effect.Effect<RunOrder, StoreError, Store> =>
  Effect.map(
    queryRows(
      Schema.Struct({ config: Schema.String }),
      "the run's scenario (runs.config)",
      "SELECT config FROM runs WHERE id = ?",
      [runId],
    ),
    (rows) => {
      const scenario = Option.flatMap(Option.fromNullable(rows[0]), (r) =>
        Schema.decodeUnknownOption(StoredScenario)(r.config),
      )
      return {
        method: rankIn(
          Option.match(scenario, { onNone: () => [], onSome: (s) => variantsOf(s).map((v) => v.label) }),
        ),
        proposer: rankIn(
          Option.match(scenario, { onNone: () => [], onSome: (s) => s.proposers.map((p) => p.name) }),
        ),
      }
    },
  )

/** Lines sorted by task (by name), then by `rank` (the scenario's order), then by name. */
export const sortedBy =
  <A extends { readonly task: string }>(rank: (line: A) => number, name: (line: A) => string) =>
  (lines: ReadonlyArray<A>): Array<A> =>
    [...lines].sort(
      (a, b) =>
        (a.task < b.task ? -1 : a.task > b.task ? 1 : 0) ||
        rank(a) - rank(b) ||
        (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0),
    )
