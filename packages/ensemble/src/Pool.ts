import { deriveSeed, makeRng, type TaskItem } from "@lyceum/core"
import type { TaskData } from "@lyceum/tasks"
import type { ProposerConfig } from "./config/EnsembleConfig.js"

/**
 * The coalition's private data in one repeat: its training pool shuffled (seeded per task and repeat, never per
 * variant), the first `holdout` items held out of every prompt, and each proposer's in-context examples drawn
 * from the rest with its own seed, so proposers differ in what they were shown and every variant of a repeat
 * sees the same proposers.
 */
export interface CoalitionPool {
  readonly holdout: ReadonlyArray<TaskItem>
  readonly shots: ReadonlyArray<ReadonlyArray<TaskItem>>
  /** A fixed label set (see `labelSet`), for the cascade's `margin` confidence. */
  readonly labels: ReadonlyArray<string>
}

export const coalitionPool = (
  data: Pick<TaskData, "train" | "task">,
  proposers: ReadonlyArray<Pick<ProposerConfig, "name" | "shots">>,
  holdout: number,
  seed: number,
  repeat: number,
): CoalitionPool => {
  const pool = makeRng(deriveSeed(seed, "pool", data.task.name, repeat)).shuffle(data.train)
  const kept = pool.slice(Math.min(holdout, pool.length))
  return {
    holdout: pool.slice(0, Math.min(holdout, pool.length)),
    shots: proposers.map((proposer) =>
      makeRng(deriveSeed(seed, "shots", data.task.name, repeat, proposer.name))
        .shuffle(kept)
        .slice(0, proposer.shots),
    ),
    labels: labelSet(data.train),
  }
}

/** Most labels a task may have for `margin` to score each of them. */
export const MAX_LABELS = 10

/**
 * The task's label set as its training pool shows it: its distinct targets when there are 2 to `MAX_LABELS`
 * of them and each occurs at least twice (spam, yes/no); otherwise none (cloze words, arithmetic solutions).
 */
export const labelSet = (train: ReadonlyArray<TaskItem>): ReadonlyArray<string> => {
  const counts = new Map<string, number>()
  for (const item of train) counts.set(item.target, (counts.get(item.target) ?? 0) + 1)
  const labels = [...counts.keys()].sort()
  return labels.length >= 2 && labels.length <= MAX_LABELS && [...counts.values()].every((n) => n >= 2)
    ? labels
    : []
}
