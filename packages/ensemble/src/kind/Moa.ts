import { Effect } from "effect"
import { addUsage } from "../agents/Usage.js"
import type { MoaAggregator } from "../config/EnsembleConfig.js"
import { Fuse, Refine } from "../Protocol.js"
import { ASK, cleared, column, type ItemOutcome, type Proposed } from "./Step.js"

/**
 * Mixture of agents: in each layer after the first every proposer answers again, seeing all answers of the
 * layer before (the others' through their filters). The last layer's answers are voted on, or fused by the
 * aggregator agent when there is one. Each layer's vote is recorded as a stage.
 */
export const mixtureOfAgents = (
  { input, answers, askAll, show, voted, allUsage, stages }: Proposed,
  aggregator: typeof MoaAggregator.Type,
) =>
  Effect.gen(function* () {
    const { items, names } = input
    const ones = names.map(() => 1)
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
                column(previous, i).map((a, p) => (p === q ? a.answer : show(p, names[q]!, i, a, l - 1))),
              ),
            })),
          }),
      )
      for (const row of layer) for (const [i, a] of row.entries()) usage[i] = addUsage(usage[i]!, a.usage)
      record(l)
    }
    if (input.aggregator === undefined)
      return voted(layer, ones).map(
        (v, i): ItemOutcome => ({
          answer: v.answer,
          confidence: v.share,
          stages: aggregator.layers,
          usage: usage[i]!,
        }),
      )
    const final = input.aggregator
    return yield* Effect.forEach(
      items,
      (item, i) =>
        Effect.map(
          final.ref.ask(
            new Fuse({
              item,
              candidates: cleared(column(layer, i).map((a, p) => show(p, final.id, i, a, aggregator.layers))),
            }),
            ASK,
          ),
          (fused): ItemOutcome => ({
            answer: fused.answer,
            stages: aggregator.layers,
            usage: addUsage(usage[i]!, fused.usage),
          }),
        ),
      { concurrency: 8 },
    )
  })
