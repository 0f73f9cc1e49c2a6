import { AGENT_CONCURRENCY } from "@lyceum/coalition"
import { deriveSeed } from "@lyceum/core"
import { Effect } from "effect"
import { answerKeys } from "../AnswerKey.js"
import { addUsage } from "../agents/Usage.js"
import { fitTfIdf, nearest, route } from "../aggregate/Route.js"
import { logOddsWeight, vote } from "../aggregate/Vote.js"
import { Answer, Fuse, type ProposerAnswer, type Refine } from "../Protocol.js"
import { cascade } from "./Cascade.js"
import { judged } from "./Judge.js"
import { mixtureOfAgents } from "./Moa.js"
import {
  ASK,
  cleared,
  column,
  type ItemOutcome,
  type LayerAnswers,
  needAgent,
  type PlayInput,
  type PlayOutcome,
  type Proposed,
  type Shown,
  type StageOutcome,
} from "./Step.js"

export type {
  AggregatingAgent,
  ItemOutcome,
  LayerAnswers,
  PlayInput,
  PlayOutcome,
  Shown,
  StageOutcome,
} from "./Step.js"

/**
 * One cohort's step: every proposer answers every item (measured under every variant alike), then the
 * variant's aggregator makes the coalition's answer. Answers reach other agents only through `show`, which
 * records the sender's filter decision and withholds what it dropped.
 */
export const play = (input: PlayInput) =>
  Effect.gen(function* () {
    const { task, items, names, variant } = input
    const askAll = (request: (p: number) => Answer | Refine) =>
      Effect.forEach(input.proposers, (ref, p) => ref.ask(request(p), ASK), {
        concurrency: AGENT_CONCURRENCY,
      })
    const answers = yield* askAll(() => new Answer({ items }))
    const shown: Array<Shown> = []
    const show = (p: number, recipient: string, i: number, answer: ProposerAnswer, layer = 1) => {
      shown.push({
        itemId: items[i]!.id,
        sender: names[p]!,
        recipient,
        layer,
        answer: answer.answer,
        shared: answer.shared,
      })
      return answer.shared.decision.action === "drop" ? undefined : answer.shared.text
    }
    const allUsage = (i: number) => addUsage(...column(answers, i).map((a) => a.usage))
    const stages: Array<StageOutcome> = []

    const voted = (layer: LayerAnswers, weights: ReadonlyArray<number>) =>
      items.map((item, i) => {
        const texts = column(layer, i).map((a) => a.answer)
        const outcome = vote(answerKeys(task, item, texts), weights, input.tieSeed(item.id))
        return { answer: texts[outcome.winner] ?? "", share: outcome.share }
      })
    const proposed: Proposed = { input, answers, askAll, show, voted, allUsage, stages }

    /** Held-out correctness of each proposer (weighted vote, router): one-off work, not any item's cost. */
    const heldOut = Effect.map(
      askAll(() => new Answer({ items: input.holdout })),
      (rows) => rows.map((row) => row.map((a, h) => task.grade(a.answer, input.holdout[h]!))),
    )

    const outcomes: ReadonlyArray<ItemOutcome> = yield* Effect.gen(function* () {
      const aggregator = variant.aggregator
      const ones = names.map(() => 1)
      switch (aggregator.kind) {
        case "vote":
          return voted(answers, ones).map((v, i) => ({
            answer: v.answer,
            confidence: v.share,
            stages: 1,
            usage: allUsage(i),
          }))
        case "weighted-vote": {
          const correct = yield* heldOut
          const weights = correct.map((row) => logOddsWeight(row.filter(Boolean).length, row.length))
          return voted(answers, weights).map((v, i) => ({
            answer: v.answer,
            confidence: v.share,
            stages: 1,
            usage: allUsage(i),
          }))
        }
        case "judge": {
          const judge = needAgent(input)
          return yield* Effect.forEach(
            items,
            (item, i) =>
              judged(
                input,
                judge,
                item,
                column(answers, i),
                column(answers, i).map((a, p) => show(p, judge.id, i, a)),
                allUsage(i),
              ),
            { concurrency: 8 },
          )
        }
        case "fuse": {
          const fuser = needAgent(input)
          return yield* Effect.forEach(
            items,
            (item, i) =>
              Effect.map(
                fuser.ref.ask(
                  new Fuse({
                    item,
                    candidates: cleared(column(answers, i).map((a, p) => show(p, fuser.id, i, a))),
                  }),
                  ASK,
                ),
                (fused) => ({
                  answer: fused.answer,
                  stages: 1,
                  usage: addUsage(allUsage(i), fused.usage),
                }),
              ),
            { concurrency: 8 },
          )
        }
        case "moa":
          return yield* mixtureOfAgents(proposed, aggregator)
        case "cascade":
          return yield* cascade(proposed, aggregator)
        case "route": {
          const correct = yield* heldOut
          const tfidf = fitTfIdf(input.holdout.map((item) => item.input))
          const vectors = input.holdout.map((item) => tfidf.vector(item.input))
          return items.map((item, i) => {
            const chosen = route(correct, nearest(tfidf.vector(item.input), vectors, aggregator.neighbours))
            const answer = answers[chosen.proposer]![i]!
            return {
              answer: answer.answer,
              chosen: names[chosen.proposer]!,
              confidence: chosen.confidence,
              stages: 1,
              usage: answer.usage,
            }
          })
        }
      }
    })
    return { answers, outcomes, stages, shown } satisfies PlayOutcome
  })

/** A tie-break seed per item, the same in every variant of a task and repeat. */
export const tieSeedFor = (seed: number, task: string, repeat: number) => (itemId: string) =>
  deriveSeed(seed, "tie", task, repeat, itemId)
