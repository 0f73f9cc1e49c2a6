import type { ActorRef, AskError } from "@lyceum/actors"
import type { TaskItem } from "@lyceum/core"
import type { Task } from "@lyceum/tasks"
import type { Effect } from "effect"
import type { Variant } from "../config/EnsembleConfig.js"
import type {
  AgentFailed,
  AggregatorProtocol,
  Answer,
  ItemUsage,
  ProposerAnswer,
  ProposerProtocol,
  Refine,
  Shared,
} from "../Protocol.js"

/** How long the coordinator waits for an agent's reply; generation on a remote endpoint can take minutes. */
export const ASK = { timeout: "10 minutes" } as const

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

/** The variant's aggregating agent (judge, fuser, moa aggregator, verifier), if it has one. */
export type AggregatingAgent = {
  readonly id: string
  readonly ref: ActorRef<typeof AggregatorProtocol.Type>
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
  readonly aggregator: AggregatingAgent | undefined
  readonly variant: Variant
  /** Seeds tie-breaks per item: derived from the run seed, task and repeat, never the variant. */
  readonly tieSeed: (itemId: string) => number
}

/** Every proposer's answer to every item, by proposer then item: one layer of answers. */
export type LayerAnswers = ReadonlyArray<ReadonlyArray<ProposerAnswer>>

export interface PlayOutcome {
  /** Every proposer's own answer to every item (layer 1), by proposer then item. */
  readonly answers: LayerAnswers
  readonly outcomes: ReadonlyArray<ItemOutcome>
  readonly stages: ReadonlyArray<StageOutcome>
  readonly shown: ReadonlyArray<Shown>
}

/**
 * Shows proposer `p`'s answer to item `i` to `recipient` (in moa `layer`, 1 elsewhere): records it as `Shown`
 * and returns the text its filter cleared, or undefined when the filter dropped it.
 */
export type Show = (
  p: number,
  recipient: string,
  i: number,
  answer: ProposerAnswer,
  layer?: number,
) => string | undefined

/** What every aggregator plays from: the proposers' first answers and the step's shared means. */
export interface Proposed {
  readonly input: PlayInput
  readonly answers: LayerAnswers
  /** Asks every proposer at once (`request(p)` for proposer `p`). */
  readonly askAll: (
    request: (p: number) => Answer | Refine,
  ) => Effect.Effect<LayerAnswers, AgentFailed | AskError>
  readonly show: Show
  /** Each item's normalised vote over a layer's answers under `weights`: the winning text and its share. */
  readonly voted: (
    layer: LayerAnswers,
    weights: ReadonlyArray<number>,
  ) => ReadonlyArray<{ readonly answer: string; readonly share: number }>
  /** Item `i`'s calls by every proposer (their first answers). */
  readonly allUsage: (i: number) => ItemUsage
  /** Where stages are recorded, in play order (moa layers, cascade stages). */
  readonly stages: Array<StageOutcome>
}

/** Item `i`'s answers of a layer, in proposer order. */
export const column = (layer: LayerAnswers, i: number): ReadonlyArray<ProposerAnswer> =>
  layer.map((row) => row[i]!)

/** The texts an agent is shown: the cleared ones, in proposer order; dropped answers are not shown. */
export const cleared = (texts: ReadonlyArray<string | undefined>): Array<string> =>
  texts.filter((text): text is string => text !== undefined)

/** The variant's aggregating agent; the scenario's checks give every aggregator that needs one its model. */
export const needAgent = (input: PlayInput): AggregatingAgent => {
  if (input.aggregator === undefined) throw new Error(`aggregator ${input.variant.label} has no agent`)
  return input.aggregator
}
