import { type SecretSharerSummary, summarizeSecretSharer } from "@lyceum/privacy"
import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { alignColumns, toCsv } from "./TextTable.js"

/** Leakage of one method (paper Tables 3, 4 and 6), pooled over repeats, rounds and students. */
export interface LeakageSummary {
  readonly task: string
  readonly method: string
  /** The Secret Sharer over every student measured (trials = repeats × students); absent without a canary. */
  readonly secretSharer: SecretSharerSummary | undefined
  /**
   * Share of generated candidates that copy a private example verbatim, whatever the filter did with them
   * (runs stored before this was measured: the share the verbatim detector matched).
   */
  readonly verbatimCopyRate: number | undefined
  /** Mean normalised insert/delete distance of generated candidates to their prompt (paper Table 6). */
  readonly normalizedDistance: number | undefined
  /** Share of an adversarial teacher's smuggling attempts that left it with the secret intact. */
  readonly smuggleDeliveryRate: number | undefined
}

const orUndefined = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value)

/** Reads a run's leakage into one summary per (task, method) that has any. */
export const leakageSummaries = (
  runId: string,
): Effect.Effect<ReadonlyArray<LeakageSummary>, StoreError, Store> =>
  Effect.gen(function* () {
    const store = yield* Store
    const [config] = yield* store.query(
      "SELECT json_extract(config, '$.canary.candidates') AS candidates FROM runs WHERE id = ?",
      [runId],
    )
    const ranks = yield* store.query(
      "SELECT task, method, value FROM leakage WHERE run_id = ? AND metric = 'canary_rank' ORDER BY repeat",
      [runId],
    )
    const lessons = yield* store.query(
      `SELECT task, method, AVG(COALESCE(verbatim_copy, filter_detector = 'verbatim')) AS verbatim,
         AVG(distance) AS distance
       FROM lessons WHERE run_id = ? AND kind = 'synthetic-example' AND smuggle IS NULL GROUP BY task, method`,
      [runId],
    )
    const smuggled = yield* store.query(
      "SELECT task, method, AVG(delivered) AS delivered FROM smuggling WHERE run_id = ? GROUP BY task, method",
      [runId],
    )
    const key = (row: Record<string, unknown>) => `${row.task}\u0000${row.method}`
    const keys = [...new Set([...ranks, ...lessons, ...smuggled].map(key))].sort()
    const candidates = Number(config?.candidates ?? 0)
    return keys.map((k) => {
      const [task, method] = k.split("\u0000") as [string, string]
      const trialRanks = ranks.filter((r) => key(r) === k).map((r) => Number(r.value))
      const copies = lessons.find((r) => key(r) === k)
      return {
        task,
        method,
        secretSharer:
          trialRanks.length === 0 || candidates === 0
            ? undefined
            : summarizeSecretSharer(trialRanks, candidates),
        verbatimCopyRate: orUndefined(copies?.verbatim),
        normalizedDistance: orUndefined(copies?.distance),
        smuggleDeliveryRate: orUndefined(smuggled.find((r) => key(r) === k)?.delivered),
      }
    })
  })

/** How many candidates each Secret Sharer trial of the run ranked (the scenario's N), if it had any. */
export const candidatesOf = (rows: ReadonlyArray<LeakageSummary>): number | undefined =>
  rows.find((r) => r.secretSharer !== undefined)?.secretSharer?.candidates

/** CSV of the summaries (rates in [0, 1]; empty where not measured). */
export const leakageToCsv = (rows: ReadonlyArray<LeakageSummary>): string =>
  toCsv(
    [
      "task",
      "method",
      "trials",
      "candidates",
      "mean_rank",
      "median_rank",
      "mean_rank_z",
      "rank_zero",
      "rank_zero_p",
      "mean_exposure",
      "verbatim_copy_rate",
      "normalized_distance",
      "smuggle_delivery_rate",
    ],
    rows.map((r) => [
      r.task,
      r.method,
      r.secretSharer?.trials,
      r.secretSharer?.candidates,
      r.secretSharer?.meanRank,
      r.secretSharer?.medianRank,
      r.secretSharer?.meanRankZ,
      r.secretSharer?.rank0Count,
      r.secretSharer?.rank0PValue,
      r.secretSharer?.meanExposure,
      r.verbatimCopyRate,
      r.normalizedDistance,
      r.smuggleDeliveryRate,
    ]),
  )

const percent = (value: number | undefined) => (value === undefined ? "-" : `${(100 * value).toFixed(1)}%`)
const fixed = (value: number | undefined, digits: number) =>
  value === undefined ? "-" : value.toFixed(digits)
const pValue = (p: number) => (p < 0.001 ? "<0.001" : p.toFixed(3))

/**
 * Text table in the shape of the paper's Tables 3, 4 and 6: mean canary rank (with its z against ranks uniform
 * on 0..N-1), rank-0 trials (with the binomial p of that many by chance), exposure, verbatim copies, the
 * normalised distance of generated lessons and, under an adversarial teacher, the smuggling delivery rate.
 */
export const formatLeakageTable = (rows: ReadonlyArray<LeakageSummary>): string => {
  if (rows.length === 0) return "(no leakage measured in this run)"
  const header = [
    "task",
    "method",
    "trials",
    "mean rank",
    "median",
    "z",
    "rank 0",
    "p",
    "exposure",
    "copies",
    "distance",
    "smuggled",
  ]
  const body = rows.map((row) => {
    const ss = row.secretSharer
    return [
      row.task,
      row.method,
      ss === undefined ? "-" : String(ss.trials),
      fixed(ss?.meanRank, 1),
      fixed(ss?.medianRank, 1),
      fixed(ss?.meanRankZ, 2),
      ss === undefined ? "-" : String(ss.rank0Count),
      ss === undefined ? "-" : pValue(ss.rank0PValue),
      fixed(ss?.meanExposure, 2),
      percent(row.verbatimCopyRate),
      fixed(row.normalizedDistance, 2),
      percent(row.smuggleDeliveryRate),
    ]
  })
  const candidates = candidatesOf(rows)
  return [
    candidates === undefined
      ? "Leakage of generated lessons (no canary in this run)."
      : `Secret Sharer: the canary's 0-based rank among ${candidates} candidates (0 = memorised; chance = ${((candidates - 1) / 2).toFixed(1)}),`,
    ...(candidates === undefined
      ? []
      : [
          "median rank, z of the mean rank against chance, trials with rank 0 and the binomial p of that many by chance, exposure",
          "log2 N - log2(rank + 1) in bits averaged per trial.",
        ]),
    "copies: generated candidates copying a private example; distance: their normalised insert/delete distance",
    "to the prompt that generated them (0 = copy); smuggled: an adversarial teacher's attempts that got out intact.",
    "",
    ...alignColumns(header, body, (i) => (i < 2 ? "left" : "right")),
  ].join("\n")
}

/**
 * The trials' canary ranks as one text line per method: rank 0 at the left, the last rank at the right,
 * `|` at chance; a cell shows how many trials fell there (· 1, • 2–3, ● 4 or more).
 */
export const formatRankStrips = (
  rows: ReadonlyArray<{ readonly label: string; readonly ranks: ReadonlyArray<number> }>,
  candidates: number,
  width = 50,
): string => {
  if (rows.length === 0) return ""
  const labelWidth = Math.max(...rows.map((r) => r.label.length))
  const cellOf = (rank: number) =>
    Math.min(width - 1, Math.floor((rank / Math.max(1, candidates - 1)) * width))
  const chance = cellOf((candidates - 1) / 2)
  const lines = rows.map((row) => {
    const counts = new Array<number>(width).fill(0)
    for (const rank of row.ranks) counts[cellOf(rank)]! += 1
    const cells = counts.map((n, i) =>
      n === 0 ? (i === chance ? "|" : " ") : n === 1 ? "·" : n <= 3 ? "•" : "●",
    )
    return `${row.label.padEnd(labelWidth)}  0 ${cells.join("")} ${candidates - 1}`
  })
  return [`canary ranks per trial (| = chance, ${(candidates - 1) / 2}):`, ...lines].join("\n")
}

/** Every trial's canary rank of a run, per method (for `formatRankStrips`). */
export const canaryRanks = (
  runId: string,
): Effect.Effect<
  ReadonlyArray<{ readonly label: string; readonly ranks: ReadonlyArray<number> }>,
  StoreError,
  Store
> =>
  Effect.flatMap(Store, (store) =>
    store.query(
      "SELECT task, method, value FROM leakage WHERE run_id = ? AND metric = 'canary_rank' ORDER BY task, method, repeat",
      [runId],
    ),
  ).pipe(
    Effect.map((rows) => {
      const labels = [...new Set(rows.map((r) => `${r.task} · ${r.method}`))]
      return labels.map((label) => ({
        label,
        ranks: rows.filter((r) => `${r.task} · ${r.method}` === label).map((r) => Number(r.value)),
      }))
    }),
  )
