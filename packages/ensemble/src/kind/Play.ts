import type { ActorRef } from "@lyceum/actors"
import { deriveSeed, type TaskItem } from "@lyceum/core"
import type { Task } from "@lyceum/tasks"
import { Effect } from "effect"
import { answerClasses, answerKeys } from "../AnswerKey.js"
import { addUsage } from "../agents/Usage.js"
import { fitTfIdf, nearest, route } from "../aggregate/Route.js"
import { logOddsWeight, vote } from "../aggregate/Vote.js"
import type { Variant } from "../config/EnsembleConfig.js"
import {
  type AggregatorProtocol,
  Answer,
  Confidence,
  Fuse,
  type ItemUsage,
  Prefer,
  type ProposerAnswer,
  type ProposerProtocol,
  Refine,
  type Shared,
  Verify,
} from "../Protocol.js"

/** How long the coordinator waits for an agent's reply; generation on a remote endpoint can take minutes. */
const ASK = { timeout: "10 minutes" } as const

/** A proposer's answer shown to another agent, with its filter's decision (a `messages` row). */
export interface Shown {
  readonly itemId: string
  readonly sender: string
  readonly recipient: string
  /** The moa layer the answer belongs to (1-based), 1 elsewhere. */
  readonly layer: number
  readonly answer: string
  readonly shared: Shared
}

/** What the coalition did for one item. */
export interface ItemOutcome {
  readonly answer: string
  /** The agent whose answer was taken (judge, route, cascade), if one was. */
  readonly chosen?: string
  readonly confidence?: number
  /** Cascade stages reached, moa layers, else 1. */
  readonly stages: number
  /** This item's calls by every agent the method needs (not the measurement of proposers it skipped). */
  readonly usage: ItemUsage
  readonly flips?: number
  readonly pairs?: number
}

export interface StageOutcome {
  readonly itemId: string
  readonly stage: number
  readonly agent: string
  readonly answer: string
  readonly confidence: number
  readonly accepted: boolean
}

export interface PlayInput {
  readonly task: Task
  readonly items: ReadonlyArray<TaskItem>
  readonly holdout: ReadonlyArray<TaskItem>
  readonly labels: ReadonlyArray<string>
  readonly names: ReadonlyArray<string>
  /** Proposers' prices summed per million tokens, for the cascade's order (undefined: unpriced). */
  readonly prices: ReadonlyArray<number | undefined>
  readonly proposers: ReadonlyArray<ActorRef<typeof ProposerProtocol.Type>>
  readonly aggregator:
    | { readonly id: string; readonly ref: ActorRef<typeof AggregatorProtocol.Type> }
    | undefined
  readonly variant: Variant
  /** Seeds tie-breaks per item: derived from the run seed, task and repeat, never the variant. */
  readonly tieSeed: (itemId: string) => number
}

export interface PlayOutcome {
  /** Every proposer's own answer to every item (layer 1), by proposer then item. */
  readonly answers: ReadonlyArray<ReadonlyArray<ProposerAnswer>>
  readonly outcomes: ReadonlyArray<ItemOutcome>
  readonly stages: ReadonlyArray<StageOutcome>
  readonly shown: ReadonlyArray<Shown>
}

const needAgent = (input: PlayInput) => {
  if (input.aggregator === undefined) throw new Error(`aggregator ${input.variant.label} has no agent`)
  return input.aggregator
}

/**
 * One cohort's step: every proposer answers every item (measured under every variant alike), then the
 * variant's aggregator makes the coalition's answer. Answers reach other agents only through `show`, which
 * records the sender's filter decision and withholds what it dropped.
 */
export const play = (input: PlayInput) =>
  Effect.gen(function* () {
    const { task, items, names, variant } = input
    const askAll = (request: (p: number) => Answer | Refine) =>
      Effect.forEach(input.proposers, (ref, p) => ref.ask(request(p), ASK), { concurrency: "unbounded" })
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
    const column = (layer: ReadonlyArray<ReadonlyArray<ProposerAnswer>>, i: number) =>
      layer.map((row) => row[i]!)
    const allUsage = (i: number) => addUsage(...column(answers, i).map((a) => a.usage))
    const stages: Array<StageOutcome> = []

    const voted = (layer: ReadonlyArray<ReadonlyArray<ProposerAnswer>>, weights: ReadonlyArray<number>) =>
      items.map((item, i) => {
        const texts = column(layer, i).map((a) => a.answer)
        const outcome = vote(answerKeys(task, item, texts), weights, input.tieSeed(item.id))
        return { answer: texts[outcome.winner] ?? "", share: outcome.share }
      })

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
        case "moa": {
          let layer = answers
          const usage = items.map((_, i) => allUsage(i))
          // Each layer's vote as a stage: what the layer agreed on, and how strongly.
          const record = (l: number) =>
            stages.push(
              ...voted(layer, ones).map((v, i) => ({
                itemId: items[i]!.id,
                stage: l,
                agent: `layer-${l}`,
                answer: v.answer,
                confidence: v.share,
                accepted: l === aggregator.layers,
              })),
            )
          record(1)
          for (let l = 2; l <= aggregator.layers; l++) {
            const previous = layer
            layer = yield* askAll(
              (q) =>
                new Refine({
                  layer: l,
                  items: items.map((item, i) => ({
                    item,
                    // Its own answer a proposer sees as it wrote it; the others' through their filters.
                    previous: cleared(
                      column(previous, i).map((a, p) =>
                        p === q ? a.answer : show(p, names[q]!, i, a, l - 1),
                      ),
                    ),
                  })),
                }),
            )
            for (const row of layer)
              for (const [i, a] of row.entries()) usage[i] = addUsage(usage[i]!, a.usage)
            record(l)
          }
          if (input.aggregator === undefined)
            return voted(layer, ones).map((v, i) => ({
              answer: v.answer,
              confidence: v.share,
              stages: aggregator.layers,
              usage: usage[i]!,
            }))
          const final = input.aggregator
          return yield* Effect.forEach(
            items,
            (item, i) =>
              Effect.map(
                final.ref.ask(
                  new Fuse({
                    item,
                    candidates: cleared(
                      column(layer, i).map((a, p) => show(p, final.id, i, a, aggregator.layers)),
                    ),
                  }),
                  ASK,
                ),
                (fused) => ({
                  answer: fused.answer,
                  stages: aggregator.layers,
                  usage: addUsage(usage[i]!, fused.usage),
                }),
              ),
            { concurrency: 8 },
          )
        }
        case "cascade":
          return yield* cascade(input, answers, show, stages)
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

/** The texts an agent is shown: the cleared ones, in proposer order; dropped answers are not shown. */
const cleared = (texts: ReadonlyArray<string | undefined>): Array<string> =>
  texts.filter((text): text is string => text !== undefined)

/**
 * Pairwise ranking (LLM-Blender's PairRanker, by the judge's likelihoods): every pair of distinct candidates is
 * judged in both orders. The same winner both times scores it 1; a winner that changes with the order is a
 * position flip and scores each 1/2. Most points wins; a tie is broken by the item's seed. The judge sees the
 * cleared texts; the coalition answers with the chosen proposer's own answer, as a vote or a cascade does.
 */
const judged = (
  input: PlayInput,
  judge: NonNullable<PlayInput["aggregator"]>,
  item: TaskItem,
  own: ReadonlyArray<ProposerAnswer>,
  shownTexts: ReadonlyArray<string | undefined>,
  usage: ItemUsage,
) =>
  Effect.gen(function* () {
    const texts = cleared(shownTexts)
    const owners = shownTexts.flatMap((text, p) => (text === undefined ? [] : [p]))
    const taking = (k: number) => ({ answer: own[owners[k]!]!.answer, chosen: input.names[owners[k]!]! })
    const classes = answerClasses(answerKeys(input.task, item, texts))
    if (classes.length === 0)
      return { ...(owners.length === 0 ? { answer: "" } : taking(0)), stages: 1, usage, flips: 0, pairs: 0 }
    const points = classes.map(() => 0)
    let flips = 0
    let spent = usage
    for (let a = 0; a < classes.length; a++)
      for (let b = a + 1; b < classes.length; b++) {
        const [first, second] = [texts[classes[a]!.members[0]!]!, texts[classes[b]!.members[0]!]!]
        const forward = yield* judge.ref.ask(new Prefer({ item, first, second }), ASK)
        const backward = yield* judge.ref.ask(new Prefer({ item, first: second, second: first }), ASK)
        spent = addUsage(spent, forward.usage, backward.usage)
        const winForward = forward.winner === 0 ? a : b
        const winBackward = backward.winner === 0 ? b : a
        if (winForward === winBackward) points[winForward]! += 1
        else {
          flips += 1
          points[a]! += 0.5
          points[b]! += 0.5
        }
      }
    const keys = classes.map((c, k) => (points[k] === Math.max(...points) ? c.key : undefined))
    const best = vote(
      keys,
      keys.map(() => 1),
      input.tieSeed(item.id),
    ).winner
    const pairs = (classes.length * (classes.length - 1)) / 2
    return {
      ...taking(classes[best]!.members[0]!),
      // The share of its pairs the winner won; an answer no other contested wins outright.
      confidence: classes.length === 1 ? 1 : points[best]! / (classes.length - 1),
      stages: 1,
      usage: spent,
      flips,
      pairs,
    }
  })

/**
 * FrugalGPT's cascade: stages are the proposers by price (cheapest first; the declared order among equal or
 * missing prices); an item stops at the first stage whose confidence in its own answer is at least τ, or at the
 * last. Only the stages an item reached are its cost.
 */
const cascade = (
  input: PlayInput,
  answers: ReadonlyArray<ReadonlyArray<ProposerAnswer>>,
  show: (p: number, recipient: string, i: number, answer: ProposerAnswer) => string | undefined,
  stages: Array<StageOutcome>,
) =>
  Effect.gen(function* () {
    const aggregator = input.variant.aggregator
    if (aggregator.kind !== "cascade") return []
    const tau = input.variant.tau ?? 0
    const order = input.names
      .map((_, p) => p)
      .sort((a, b) => (input.prices[a] ?? 0) - (input.prices[b] ?? 0) || a - b)
    const results: Array<ItemOutcome | undefined> = input.items.map(() => undefined)
    const spent = input.items.map((): ItemUsage => addUsage())
    for (const [s, p] of order.entries()) {
      const pending = input.items.flatMap((_, i) => (results[i] === undefined ? [i] : []))
      if (pending.length === 0) break
      const confidences: ReadonlyArray<{ readonly confidence: number; readonly usage: ItemUsage }> =
        aggregator.confidence === "judge"
          ? yield* Effect.forEach(
              pending,
              (i) => {
                const verifier = needAgent(input)
                const text = show(p, verifier.id, i, answers[p]![i]!)
                return text === undefined
                  ? Effect.succeed({ confidence: 0, usage: addUsage() })
                  : Effect.map(
                      verifier.ref.ask(new Verify({ item: input.items[i]!, answer: text }), ASK),
                      (v) => ({ confidence: v.pYes, usage: v.usage }),
                    )
              },
              { concurrency: 8 },
            )
          : yield* input.proposers[p]!.ask(
              new Confidence({
                method:
                  aggregator.confidence === "margin"
                    ? { kind: "margin", labels: input.labels }
                    : { kind: "agreement", samples: aggregator.samples, temperature: aggregator.temperature },
                items: pending.map((i) => ({ item: input.items[i]!, answer: answers[p]![i]!.answer })),
              }),
              ASK,
            )
      pending.forEach((i, k) => {
        const { confidence, usage } = confidences[k]!
        const answer = answers[p]![i]!
        spent[i] = addUsage(spent[i]!, answer.usage, usage)
        const accepted = confidence >= tau || s === order.length - 1
        stages.push({
          itemId: input.items[i]!.id,
          stage: s + 1,
          agent: input.names[p]!,
          answer: answer.answer,
          confidence,
          accepted,
        })
        if (accepted)
          results[i] = {
            answer: answer.answer,
            chosen: input.names[p]!,
            confidence,
            stages: s + 1,
            usage: spent[i]!,
          }
      })
    }
    return results.map((r) => r!)
  })

/** A tie-break seed per item, the same in every variant of a task and repeat. */
export const tieSeedFor = (seed: number, task: string, repeat: number) => (itemId: string) =>
  deriveSeed(seed, "tie", task, repeat, itemId)
