import { queryRows } from "@lyceum/report"
import type { Store, StoreError } from "@lyceum/store"
import { Effect, Option, Schema } from "effect"

/**
 * The scenario's order of a run's methods, so tables and chart legends list them as the scenario did. The
 * labels come from the run's stored scenario (`runs.config`) through `methodsOf`, which the kind gives (it
 * knows its config's shape); a method the labels do not name (or every method, for a run stored without a
 * config) comes after them, by name.
 */
export type MethodsOf = (config: unknown) => ReadonlyArray<string>

export type MethodRank = (method: string) => number

const StoredConfig = Schema.parseJson(Schema.Unknown)

export const methodRank = (
  runId: string,
  methodsOf: MethodsOf,
): Effect.Effect<MethodRank, StoreError, Store> =>
  Effect.map(
    queryRows(
      Schema.Struct({ config: Schema.String }),
      "the run's scenario (runs.config)",
      "SELECT config FROM runs WHERE id = ?",
      [runId],
    ),
    (rows) => {
      const labels: ReadonlyArray<string> = Option.fromNullable(rows[0]).pipe(
        Option.flatMap((r) => Schema.decodeUnknownOption(StoredConfig)(r.config)),
        Option.match({ onNone: (): ReadonlyArray<string> => [], onSome: methodsOf }),
      )
      return (method) => {
        const at = labels.indexOf(method)
        return at === -1 ? labels.length : at
      }
    },
  )

/** Lines sorted by task (by name), then method (`rank`, then name); stable within a method. */
export const byTaskAndMethod =
  (rank: MethodRank) =>
  <A extends { readonly task: string; readonly method: string }>(lines: ReadonlyArray<A>): Array<A> =>
    [...lines].sort(
      (a, b) =>
        (a.task < b.task ? -1 : a.task > b.task ? 1 : 0) ||
        rank(a.method) - rank(b.method) ||
        (a.method < b.method ? -1 : a.method > b.method ? 1 : 0),
    )
