import type { Lesson, Rng } from "@lyceum/core"

/** Chooses which candidate lessons enter the student's prompt. */
export interface Aggregator {
  readonly choose: (candidates: ReadonlyArray<Lesson>, count: number, rng: Rng) => ReadonlyArray<Lesson>
}

/** The paper's default: uniform choice among all candidates, without replacement, until `count` are chosen. */
export const randomAggregator: Aggregator = {
  choose: (candidates, count, rng) => rng.shuffle(candidates).slice(0, count),
}
