import { Effect } from "effect"

/**
 * Results computed from a finished run's rows (its curves, its report tables) cannot change until the run is
 * resumed, which makes it `running` and later gives it a new `finishedAt`: so they are kept, keyed by run,
 * what was computed and that stamp, and a second visit is served from memory. A running run is never cached.
 */
export interface RunCache {
  readonly through: <A, E, R>(
    what: string,
    run: { readonly id: string; readonly status: string; readonly finishedAt: string | null },
    compute: Effect.Effect<A, E, R>,
  ) => Effect.Effect<A, E, R>
}

export const makeRunCache = (capacity = 64): RunCache => {
  const entries = new Map<string, unknown>()
  return {
    through: (what, run, compute) => {
      if (run.status === "running" || run.finishedAt === null) return compute
      const key = `${what}\u0000${run.id}\u0000${run.finishedAt}`
      return Effect.suspend(() => {
        if (entries.has(key)) {
          const value = entries.get(key)
          entries.delete(key)
          entries.set(key, value)
          return Effect.succeed(value as Effect.Effect.Success<typeof compute>)
        }
        return Effect.tap(compute, (value) =>
          Effect.sync(() => {
            entries.set(key, value)
            if (entries.size > capacity) entries.delete(entries.keys().next().value!)
          }),
        )
      })
    },
  }
}
