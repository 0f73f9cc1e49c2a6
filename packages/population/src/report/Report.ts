import { type HtmlSection, htmlTable, type KindReport, type KindTable } from "@lyceum/report"
import type { RunRow, Store, StoreError } from "@lyceum/store"
import { Effect } from "effect"
import {
  type DiffusionLine,
  diffusionCharts,
  diffusionLines,
  diffusionReport,
  diffusionSvgs,
  roundsToHalfText,
  type SpeedLine,
  speedLines,
  speedReport,
} from "./DiffusionTable.js"
import { hopCharts, hopSvgs, hopsReport } from "./HopsTable.js"
import { diffusionRows, type HopRow, lastRoundHopRows } from "./Rows.js"
import { byTaskAndMethod, type MethodsOf, methodRank } from "./RunOrder.js"

interface Diffusion {
  readonly lines: ReadonlyArray<DiffusionLine>
  readonly speed: ReadonlyArray<SpeedLine>
}

const EMPTY = "(no population rounds stored yet)"

/**
 * The population kind's report: `diffusion` (the default: the diffusion curve per method and round, with its
 * charts and the rounds to reach half the population), `speed` (one line per method) and `hops` (the last
 * round by hop distance from the seeds, with accuracy and leakage by hop charts); and its HTML sections.
 * `methodsOf` gives the scenario's method labels from the run's stored config, for the tables' order.
 */
export const makePopulationReport = (methodsOf: MethodsOf): KindReport => {
  const diffusion = (runId: string): Effect.Effect<Diffusion, StoreError, Store> =>
    Effect.gen(function* () {
      const rank = yield* methodRank(runId, methodsOf)
      const rows = byTaskAndMethod(rank)(yield* diffusionRows(runId))
      const lines = diffusionLines(rows)
      return { lines, speed: speedLines(rows, lines) }
    })
  const hops = (runId: string): Effect.Effect<ReadonlyArray<HopRow>, StoreError, Store> =>
    Effect.zipWith(methodRank(runId, methodsOf), lastRoundHopRows(runId), (rank, rows) =>
      byTaskAndMethod(rank)(rows),
    )
  const speedText = (speed: ReadonlyArray<SpeedLine>) =>
    [
      "rounds until half of the agents know:",
      ...speed.map((l) => `  ${l.task} · ${l.method}: ${roundsToHalfText(l)}`),
    ].join("\n")

  const diffusionTable: KindTable = {
    name: "diffusion",
    description:
      "per method × round: the share of agents who know the seed facts and who hold the canary, how far both " +
      "reached, the sampled accuracy ± SEM, with the diffusion chart and the rounds to reach half",
    read: (runId, options) =>
      Effect.map(diffusion(runId), ({ lines, speed }) => ({
        model: diffusionReport(lines),
        empty: EMPTY,
        views: lines.length === 0 ? [] : [...diffusionCharts(lines, options), speedText(speed)],
      })),
  }
  const speedTable: KindTable = {
    name: "speed",
    description:
      "per method: rounds until half of the agents know (diffusion speed) and the last round's state",
    read: (runId) =>
      Effect.map(diffusion(runId), ({ speed }) => ({ model: speedReport(speed), empty: EMPTY, views: [] })),
  }
  const hopsTable: KindTable = {
    name: "hops",
    description:
      "per method × hop from the seed agents at the last round: seed facts held, knowers, canary holders, " +
      "accuracy ± SEM and canary rank, with accuracy and leakage by hop charts",
    read: (runId, options) =>
      Effect.map(hops(runId), (rows) => ({
        model: hopsReport(rows),
        empty: EMPTY,
        views: rows.length === 0 ? [] : hopCharts(rows, options),
      })),
  }
  const html = (run: RunRow): Effect.Effect<ReadonlyArray<HtmlSection>, StoreError, Store> =>
    Effect.gen(function* () {
      const { lines, speed } = yield* diffusion(run.id)
      if (lines.length === 0) return [{ title: "Diffusion", body: "<p>No population rounds stored yet.</p>" }]
      const byHop = yield* hops(run.id)
      return [
        {
          title: "Diffusion",
          body: diffusionSvgs(lines).join("") + htmlTable(diffusionReport(lines), ""),
        },
        { title: "Diffusion speed", body: htmlTable(speedReport(speed), "") },
        { title: "By hop", body: hopSvgs(byHop).join("") + htmlTable(hopsReport(byHop), EMPTY) },
      ]
    })
  return { tables: [diffusionTable, speedTable, hopsTable], html }
}
