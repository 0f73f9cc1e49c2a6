import type { TaskItem } from "@lyceum/core"
import { Effect } from "effect"
import { answerClasses, answerKeys } from "../AnswerKey.js"
import { addUsage } from "../agents/Usage.js"
import { vote } from "../aggregate/Vote.js"
import { type ItemUsage, Prefer, type ProposerAnswer } from "../Protocol.js"
import { type AggregatingAgent, ASK, cleared, type PlayInput } from "./Step.js"

/**
 * Pairwise ranking (LLM-Blender's PairRanker, by the judge's likelihoods): every pair of distinct candidates is
 * judged in both orders. The same winner both times scores it 1; a winner that changes with the order is a
 * position flip and scores each 1/2. Most points wins; a tie is broken by the item's seed. The judge sees the
 * cleared texts; the coalition answers with the chosen proposer's own answer, as a vote or a cascade does.
 */
export const judged = (
  input: PlayInput,
  judge: AggregatingAgent,
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
