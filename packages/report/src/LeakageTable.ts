import { type SecretSharerSummary, summarizeSecretSharer } from "@lyceum/privacy"
import { Store, type StoreError } from "@lyceum/store"
import { Effect } from "effect"
import { col, measured, type ReportTable, tableToText } from "./ReportTable.js"

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

/**
 * The summaries in the shape of the paper's Tables 3, 4 and 6: the Secret Sharer's mean and median canary rank
 * (with the z of the mean against ranks uniform on 0..N-1), rank-0 trials (with the binomial p of that many by
 * chance) and exposure; verbatim copies, the normalised distance of generated lessons and, under an
 * adversarial teacher, the smuggling delivery rate (rates in [0, 1]; empty where not measured).
 */
export const leakageReport = (rows: ReadonlyArray<LeakageSummary>): ReportTable => {
  const candidates = candidatesOf(rows)
  return {
    table: "leakage",
    columns: [
      col.text("task"),
      col.text("method"),
      col.integer("trials"),
      col.integer("candidates"),
      col.real("mean_rank", 1),
      col.real("median_rank", 1),
      col.real("mean_rank_z", 2),
      col.integer("rank_zero"),
      col.real("rank_zero_p", 3),
      col.real("mean_exposure", 2),
      col.real("verbatim_copy_rate"),
      col.real("normalized_distance"),
      col.real("smuggle_delivery_rate"),
    ],
    rows: rows.map((r) => [
      r.task,
      r.method,
      r.secretSharer?.trials ?? null,
      r.secretSharer?.candidates ?? null,
      measured(r.secretSharer?.meanRank),
      measured(r.secretSharer?.medianRank),
      measured(r.secretSharer?.meanRankZ),
      r.secretSharer?.rank0Count ?? null,
      measured(r.secretSharer?.rank0PValue),
      measured(r.secretSharer?.meanExposure),
      measured(r.verbatimCopyRate),
      measured(r.normalizedDistance),
      measured(r.smuggleDeliveryRate),
    ]),
    notes: [
      candidates === undefined
        ? "Leakage of generated lessons (no canary in this run)."
        : `Secret Sharer: the canary's 0-based rank among ${candidates} candidates (0 = memorised; chance = ${((candidates - 1) / 2).toFixed(1)}); mean_rank_z: z of the mean rank against chance; rank_zero: trials with rank 0, rank_zero_p: the binomial p of that many by chance; exposure: log2 N - log2(rank + 1) in bits, averaged per trial.`,
      "verbatim_copy_rate: generated candidates copying a private example; normalized_distance: their normalised insert/delete distance to the prompt that generated them (0 = copy); smuggle_delivery_rate: an adversarial teacher's attempts that got out intact.",
    ],
  }
}

/** The text rendering of `leakageReport`. */
export const formatLeakageTable = (rows: ReadonlyArray<LeakageSummary>): string =>
  tableToText(leakageReport(rows), "(no leakage measured in this run)")

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
