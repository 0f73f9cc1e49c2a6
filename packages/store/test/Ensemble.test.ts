import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type EvaluationRow, makeStore, type SqlValue } from "../src/index.js"
import { ensembleItem, message, newRun, tempDir, usage } from "./fixtures.js"

/** One `evaluations` row per score of `agent` in a cohort of task `spam` (round 0, as the ensemble kind writes). */
const graded = (repeat: number, method: string, agent: string, scores: ReadonlyArray<number>) =>
  scores.map(
    (score, i): EvaluationRow => ({
      runId: "r1",
      repeat,
      round: 0,
      student: agent,
      task: "spam",
      method,
      n: 0,
      promptLessons: 0,
      metric: "accuracy",
      itemId: `item-${i}`,
      answer: score === 1 ? "spam" : "ham",
      target: "spam",
      score,
    }),
  )

/** `ensemble_items` rows of one cohort: per item whether the coalition and the oracle were right, and spend. */
const items = (
  repeat: number,
  method: string,
  rows: ReadonlyArray<Readonly<Record<string, SqlValue>>>,
): Array<Record<string, SqlValue>> =>
  rows.map((row, i) => ensembleItem("r1", { repeat, method, item_id: `item-${i}`, ...row }))

const cell = (correct: number, oracle: number, tokens: number, cost: number, calls = 2) => ({
  correct,
  oracle,
  calls,
  prompt_tokens: tokens - 2,
  completion_tokens: 2,
  cost_usd: cost,
})

const stage = (item: string, stage: number, accepted: number) => ({
  run_id: "r1",
  repeat: 0,
  task: "spam",
  method: "cascade@0.7",
  item_id: item,
  stage,
  agent: `proposer-${stage + 1}`,
  answer: "spam",
  confidence: accepted === 1 ? 0.9 : 0.4,
  accepted,
})

/**
 * Two repeats of `vote`, one of `judge`, one of `cascade@0.7`, worked out by hand:
 * - vote, repeat 0: coalition 3/4, oracle 4/4, p1 2/4 and p2 2/4 (a tie: p1 by id), 2 calls, 18 tokens, $0.5
 *   per item; repeat 1: coalition 2/4, oracle 3/4, p1 1/4, p2 3/4, 3 calls, 30 tokens, $1 per item.
 * - the `coalition` rows in evaluations (all right) must not count as a proposer.
 */
const writeExample = Effect.gen(function* () {
  const store = yield* makeStore({ filename: join(yield* tempDir, "ensemble.db") })
  yield* store.createRun(newRun("r1", { kind: "ensemble" }))
  yield* store.writeBatch({
    evaluations: [
      ...graded(0, "vote", "p1", [1, 0, 0, 1]),
      ...graded(0, "vote", "p2", [1, 1, 0, 0]),
      ...graded(0, "vote", "coalition", [1, 1, 1, 1]),
      ...graded(1, "vote", "p1", [1, 0, 0, 0]),
      ...graded(1, "vote", "p2", [1, 1, 0, 1]),
      ...graded(1, "vote", "coalition", [1, 1, 1, 1]),
      ...graded(0, "judge", "p1", [1, 0]),
      ...graded(0, "judge", "p2", [0, 0]),
    ],
    kindRows: [
      {
        table: "ensemble_items",
        rows: [
          ...items(0, "vote", [
            cell(1, 1, 12, 0.25),
            cell(1, 1, 12, 0.25),
            cell(0, 1, 24, 0.75),
            cell(1, 1, 24, 0.75),
          ]),
          ...items(1, "vote", [
            cell(1, 1, 30, 1, 3),
            cell(0, 1, 30, 1, 3),
            cell(0, 0, 30, 1, 3),
            cell(1, 1, 30, 1, 3),
          ]),
          ...items(0, "judge", [
            { ...cell(1, 1, 10, 0), chosen: "p1", flips: 1, pairs: 2 },
            { ...cell(0, 0, 10, 0), chosen: "p2", flips: 0, pairs: 2 },
          ]),
          ...items(0, "cascade@0.7", [cell(1, 1, 10, 0), cell(1, 1, 10, 0), cell(1, 1, 10, 0)]),
        ],
      },
      // Item 0 stops at stage 0, item 1 at stage 1, item 2 goes to the last stage.
      {
        table: "ensemble_stages",
        rows: [stage("item-0", 0, 1), stage("item-1", 0, 0), stage("item-1", 1, 1)].concat([
          stage("item-2", 0, 0),
          stage("item-2", 1, 0),
          stage("item-2", 2, 1),
        ]),
      },
    ],
  })
  return store
})

describe("ensemble views", () => {
  it.scoped("ensemble_summary: coalition, oracle, best single and mean proposer per cohort", () =>
    Effect.gen(function* () {
      const store = yield* writeExample
      expect(yield* store.query("SELECT * FROM ensemble_summary ORDER BY method, repeat")).toEqual([
        {
          run_id: "r1",
          repeat: 0,
          task: "spam",
          method: "cascade@0.7",
          items: 3,
          accuracy: 1,
          oracle: 1,
          best_single: null,
          best_agent: null,
          mean_proposer: null,
          calls_per_item: 2,
          tokens_per_item: 10,
          cost_per_item: 0,
          flip_rate: null,
        },
        {
          run_id: "r1",
          repeat: 0,
          task: "spam",
          method: "judge",
          items: 2,
          accuracy: 0.5,
          oracle: 0.5,
          best_single: 0.5,
          best_agent: "p1",
          mean_proposer: 0.25,
          calls_per_item: 2,
          tokens_per_item: 10,
          cost_per_item: 0,
          flip_rate: 0.25,
        },
        {
          run_id: "r1",
          repeat: 0,
          task: "spam",
          method: "vote",
          items: 4,
          accuracy: 0.75,
          oracle: 1,
          best_single: 0.5,
          best_agent: "p1",
          mean_proposer: 0.5,
          calls_per_item: 2,
          tokens_per_item: 18,
          cost_per_item: 0.5,
          flip_rate: null,
        },
        {
          run_id: "r1",
          repeat: 1,
          task: "spam",
          method: "vote",
          items: 4,
          accuracy: 0.5,
          oracle: 0.75,
          best_single: 0.75,
          best_agent: "p2",
          mean_proposer: 0.5,
          calls_per_item: 3,
          tokens_per_item: 30,
          cost_per_item: 1,
          flip_rate: null,
        },
      ])
    }),
  )

  it.scoped("cascade_deferral: items reaching each stage and the share passed on", () =>
    Effect.gen(function* () {
      const store = yield* writeExample
      expect(
        yield* store.query(
          "SELECT stage, reached, deferred, deferral_rate FROM cascade_deferral ORDER BY stage",
        ),
      ).toEqual([
        { stage: 0, reached: 3, deferred: 2, deferral_rate: 2 / 3 },
        { stage: 1, reached: 2, deferred: 1, deferral_rate: 0.5 },
        { stage: 2, reached: 1, deferred: 0, deferral_rate: 0 },
      ])
    }),
  )

  it.scoped("ensemble_frontier: means over repeats with the SEM of accuracy (NULL for one repeat)", () =>
    Effect.gen(function* () {
      const store = yield* writeExample
      // vote: accuracies 0.75 and 0.5: mean 0.625, sample SD sqrt(2 * 0.125^2 / 1) = 0.1768, SEM = SD / sqrt(2)
      // = 0.125; cost (0.5 + 1) / 2, tokens (18 + 30) / 2.
      expect(
        yield* store.query(
          "SELECT * FROM ensemble_frontier WHERE method IN ('vote', 'judge') ORDER BY method",
        ),
      ).toEqual([
        {
          run_id: "r1",
          task: "spam",
          method: "judge",
          repeats: 1,
          accuracy: 0.5,
          accuracy_sem: null,
          cost_per_item: 0,
          tokens_per_item: 10,
        },
        {
          run_id: "r1",
          task: "spam",
          method: "vote",
          repeats: 2,
          accuracy: 0.625,
          accuracy_sem: 0.125,
          cost_per_item: 0.75,
          tokens_per_item: 24,
        },
      ])
    }),
  )

  it.scoped("deleteCohort removes a cohort's rows from the ensemble tables with the generic ones", () =>
    Effect.gen(function* () {
      const store = yield* writeExample
      const cascade = { repeat: 0, task: "spam", method: "cascade@0.7" }
      yield* store.writeBatch({
        messages: [message("r1", "m1", { method: "cascade@0.7" }), message("r1", "m2", { method: "vote" })],
        modelUsage: [
          usage("r1", {
            repeat: 0,
            round: 0,
            method: "cascade@0.7",
            costUsd: 0.5,
            faults: { timeout: { attempts: 1, errors: 0 } },
          }),
        ],
        cohortSteps: [{ runId: "r1", ...cascade, step: 0 }],
      })
      expect((yield* store.cohortsOf("r1", 1)).finished).toEqual([cascade])
      // 3 items + 6 stages + 1 message + 1 usage + 1 fault + 1 step.
      expect(yield* store.deleteCohort("r1", cascade)).toBe(13)
      expect((yield* store.cohortsOf("r1", 1)).finished).toEqual([])
      for (const table of ["ensemble_items", "ensemble_stages", "messages", "model_usage", "model_faults"])
        expect(yield* store.query(`SELECT COUNT(*) AS n FROM ${table} WHERE method = 'cascade@0.7'`)).toEqual(
          [{ n: 0 }],
        )
      expect(yield* store.query("SELECT COUNT(*) AS n FROM ensemble_items WHERE method = 'vote'")).toEqual([
        { n: 8 },
      ])
      expect(yield* store.query("SELECT COUNT(*) AS n FROM messages")).toEqual([{ n: 1 }])
      expect(yield* store.spentBy("r1")).toEqual({ tokens: 160, costUsd: 0.5 })
    }),
  )
})
