import { Effect } from "effect"
import { addUsage } from "../agents/Usage.js"
import type { CascadeAggregator } from "../config/EnsembleConfig.js"
import { Confidence, type ItemUsage, Verify } from "../Protocol.js"
import { ASK, type ItemOutcome, needAgent, type Proposed } from "./Step.js"

/**
 * FrugalGPT's cascade: stages are the proposers by price (cheapest first; the declared order among equal or
 * missing prices); an item stops at the first stage whose confidence in its own answer is at least τ, or at the
 * last. Only the stages an item reached are its cost.
 */
export const cascade = (
  { input, answers, show, stages }: Proposed,
  aggregator: typeof CascadeAggregator.Type,
) =>
  Effect.gen(function* () {
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
