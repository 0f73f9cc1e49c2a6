import type { Lesson, Rng } from "@lyceum/core"

/** How a student chooses which candidate lessons enter its prompt (paper §1 and App. H). */
export type AggregatorKind = "random" | "voting"

/** The paper's default: uniform choice among all candidates, without replacement, until `count` are chosen. */
export const chooseRandom = (
  candidates: ReadonlyArray<Lesson>,
  count: number,
  rng: Rng,
): ReadonlyArray<Lesson> => rng.shuffle(candidates).slice(0, count)

/**
 * The voting aggregator: every teacher ranks all candidates (best first); each vote goes to the teacher's best
 * candidate not yet chosen; the candidate with most votes is chosen (ties broken at random); repeated until
 * `count` are chosen. Candidates no teacher ranked are never chosen.
 */
export const chooseByVotes = (
  candidates: ReadonlyArray<Lesson>,
  rankings: ReadonlyArray<ReadonlyArray<string>>,
  count: number,
  rng: Rng,
): ReadonlyArray<Lesson> => {
  const byId = new Map(candidates.map((lesson) => [lesson.id, lesson]))
  const chosen: Array<Lesson> = []
  while (chosen.length < count) {
    const votes = new Map<string, number>()
    for (const ranking of rankings) {
      const top = ranking.find((id) => byId.has(id))
      if (top !== undefined) votes.set(top, (votes.get(top) ?? 0) + 1)
    }
    if (votes.size === 0) break
    const most = Math.max(...votes.values())
    const winner = rng.pick([...votes].filter(([, n]) => n === most).map(([id]) => id))
    chosen.push(byId.get(winner)!)
    byId.delete(winner)
  }
  return chosen
}
