import type { StepContext } from "@lyceum/coalition"
import { secretSharerRank } from "@lyceum/privacy"
import { Effect } from "effect"
import {
  type AgentAnswers,
  Evaluate,
  Learn,
  ScoreCanary,
  Stats,
  Teach,
  type WrittenLesson,
} from "../agents/Protocol.js"
import { type OpenPopulation, roundSeed, shardOf } from "./Cohort.js"
import { drawPairs, type Pairs } from "./Pairs.js"

/**
 * Pairs per Teach or Learn message. A lesson in a Teach reply is its text plus ~100 bytes (action, score, the
 * filter's detector and reason; findings only for panel agents and withheld lessons), so 500 lessons of up to
 * ~1.5 KB each stay under a NATS server's default 1 MiB max_payload.
 */
export const PAIRS_PER_MESSAGE = 500

/**
 * Panel agents per Evaluate message. A reply carries each agent's stored context once (its lessons, up to
 * `memory.capacity` of ~1.5 KB, and a note for its own examples) and its answers, so a message holds as many
 * agents as fit in half of a NATS server's default 1 MiB max_payload. (With `privacy.keepDroppedText` a seed's
 * context holds its private examples too: a share of the training split, which may not fit; the transport then
 * fails naming max_payload.)
 */
export const evaluateAgentsPerMessage = (capacity: number, items: number) =>
  Math.max(1, Math.floor((512 * 1024) / ((capacity + 1) * 1536 + items * 256)))

/** Shards asked at once; the rest wait (bounded fan-out, whatever the population). */
export const SHARDS_IN_FLIGHT = 16

/** How long the coordinator waits for one shard's message (its agents may wait on remote endpoints). */
const SHARD_TIMEOUT = "30 minutes"

/** Everything one round measured, as the rows are built from it. */
export interface RoundOutcome {
  readonly pairs: Pairs | undefined
  readonly written: ReadonlyArray<WrittenLesson>
  /** Per agent: lessons held, seed examples held, canary held (0/1). */
  readonly memory: Uint8Array
  readonly seedFacts: Uint16Array
  readonly canary: Uint8Array
  readonly answers: ReadonlyArray<AgentAnswers>
  /** Per panel agent (in panel order): the canary's rank among its alternatives; empty without a canary or
   * before the last round. */
  readonly canaryRanks: ReadonlyArray<number>
}

/** [start, end) ranges of at most `size` within [0, length). */
const chunks = (start: number, end: number, size: number) =>
  Array.from({ length: Math.ceil((end - start) / size) }, (_, i) => ({
    from: start + i * size,
    to: Math.min(end, start + (i + 1) * size),
  }))

/** Says how far a phase got, about ten times per phase (a round of a million agents takes minutes). */
const progress = (context: StepContext, phase: string, total: number) => {
  let done = 0
  let said = 0
  return Effect.suspend(() => {
    done++
    if (total < 20 || done * 10 < (said + 1) * total) return Effect.void
    said = Math.floor((done * 10) / total)
    return context.note(`${phase}: ${done}/${total} messages`)
  })
}

/** Phase 1: every pair's lesson is written by its teacher's shard, from what the teacher held before. */
const teachAll = (open: OpenPopulation, round: number, pairs: Pairs, context: StepContext) =>
  Effect.gen(function* () {
    const { scenario } = open.spec
    // Pair indexes grouped by the teacher's shard (counting sort: O(pairs)).
    const shardCount = open.shards.length
    const counts = new Int32Array(shardCount + 1)
    for (let p = 0; p < pairs.length; p++) counts[shardOf(scenario, pairs.teachers[p]!) + 1]!++
    for (let s = 0; s < shardCount; s++) counts[s + 1]! += counts[s]!
    const order = new Int32Array(pairs.length)
    const fill = counts.slice(0, shardCount)
    for (let p = 0; p < pairs.length; p++) order[fill[shardOf(scenario, pairs.teachers[p]!)]!++] = p
    const jobs = Array.from({ length: shardCount }, (_, s) =>
      chunks(counts[s]!, counts[s + 1]!, PAIRS_PER_MESSAGE).map((c) => ({ s, ...c })),
    ).flat()
    const written: Array<WrittenLesson> = new Array(pairs.length)
    const tick = progress(context, `round ${round}: teaching`, jobs.length)
    yield* Effect.forEach(
      jobs,
      ({ s, from, to }) =>
        Effect.gen(function* () {
          const ids = order.subarray(from, to)
          const learners = Array.from(ids, (p) => pairs.learners[p]!)
          const lessons = yield* open.shards[s]!.ask(
            new Teach({
              round,
              teachers: Array.from(ids, (p) => pairs.teachers[p]!),
              learners,
              details: learners.flatMap((learner, i) => (open.panelSet.has(learner) ? [i] : [])),
            }),
            { timeout: SHARD_TIMEOUT },
          )
          ids.forEach((p, i) => {
            written[p] = lessons[i]!
          })
          yield* tick
        }),
      { concurrency: SHARDS_IN_FLIGHT, discard: true },
    )
    return written
  })

/** Phase 2: every learner's shard takes its lessons, in pair order (learners ascending, so one range each). */
const learnAll = (
  open: OpenPopulation,
  round: number,
  pairs: Pairs,
  written: ReadonlyArray<WrittenLesson>,
  context: StepContext,
) => {
  const { scenario } = open.spec
  const jobs: Array<{ s: number; chunk: number; from: number; to: number }> = []
  let start = 0
  while (start < pairs.length) {
    const s = shardOf(scenario, pairs.learners[start]!)
    let end = start
    while (end < pairs.length && shardOf(scenario, pairs.learners[end]!) === s) end++
    for (const [chunk, c] of chunks(start, end, PAIRS_PER_MESSAGE).entries()) jobs.push({ s, chunk, ...c })
    start = end
  }
  const tick = progress(context, `round ${round}: learning`, jobs.length)
  return Effect.forEach(
    jobs,
    ({ s, chunk, from, to }) => {
      const learners: Array<number> = []
      const texts: Array<string> = []
      const scores: Array<number> = []
      for (let p = from; p < to; p++) {
        const lesson = written[p]!
        if (lesson.text.length === 0) continue
        learners.push(pairs.learners[p]!)
        texts.push(lesson.text)
        scores.push(lesson.score)
      }
      return open.shards[s]!.ask(new Learn({ round, chunk, learners, texts, scores }), {
        timeout: SHARD_TIMEOUT,
      }).pipe(Effect.zipRight(tick))
    },
    { concurrency: SHARDS_IN_FLIGHT, discard: true },
  )
}

/** Every agent's holdings after the round, gathered from the shards into flat arrays. */
const gatherStats = (open: OpenPopulation) =>
  Effect.gen(function* () {
    const { scenario } = open.spec
    const n = scenario.agents
    const memory = new Uint8Array(n)
    const seedFacts = new Uint16Array(n)
    const canary = new Uint8Array(n)
    yield* Effect.forEach(
      open.shards,
      (shard, s) =>
        Effect.map(shard.ask(new Stats(), { timeout: SHARD_TIMEOUT }), (stats) => {
          const first = s * scenario.shardSize
          memory.set(stats.memory, first)
          seedFacts.set(stats.seedFacts, first)
          canary.set(stats.canary, first)
        }),
      { concurrency: SHARDS_IN_FLIGHT, discard: true },
    )
    return { memory, seedFacts, canary }
  })

/** The panel's answers and, with a canary after the last round, its ranks: asked of each panel agent's shard. */
const measurePanel = (open: OpenPopulation, rankCanary: boolean) =>
  Effect.gen(function* () {
    const { scenario } = open.spec
    const byShard = new Map<number, Array<number>>()
    for (const agent of open.panel) {
      const s = shardOf(scenario, agent)
      const group = byShard.get(s)
      if (group === undefined) byShard.set(s, [agent])
      else group.push(agent)
    }
    const groups = [...byShard.entries()]
    const perMessage = evaluateAgentsPerMessage(scenario.memory.capacity, open.items.length)
    const messages = groups.flatMap(([s, agents]) =>
      chunks(0, agents.length, perMessage).map(({ from, to }) => [s, agents.slice(from, to)] as const),
    )
    const answers = (yield* Effect.forEach(
      messages,
      ([s, agents]) =>
        open.shards[s]!.ask(new Evaluate({ agents, items: open.items }), { timeout: SHARD_TIMEOUT }),
      { concurrency: SHARDS_IN_FLIGHT },
    )).flat()
    const canary = open.holdings.canary
    const canaryRanks =
      canary === undefined || !rankCanary
        ? []
        : (yield* Effect.forEach(
            groups,
            ([s, agents]) => open.shards[s]!.ask(new ScoreCanary({ agents }), { timeout: SHARD_TIMEOUT }),
            { concurrency: SHARDS_IN_FLIGHT },
          ))
            .flat()
            .map((scores) => secretSharerRank(scores[0]!, scores.slice(1)))
    return { answers, canaryRanks }
  })

/** One round: round 0 only measures; later rounds teach (all pairs), then learn, then measure. */
export const playPopulationRound = (open: OpenPopulation, round: number, context: StepContext) =>
  Effect.gen(function* () {
    const { scenario } = open.spec
    let pairs: Pairs | undefined
    let written: ReadonlyArray<WrittenLesson> = []
    if (round > 0) {
      pairs = drawPairs(
        open.graph,
        scenario.learning.fraction,
        scenario.learning.neighbours,
        roundSeed(open.spec, round),
      )
      written = yield* teachAll(open, round, pairs, context)
      yield* learnAll(open, round, pairs, written, context)
    }
    const stats = yield* gatherStats(open)
    // Secret Sharer ranks cost `candidates` calls per panel agent: after the last round, as in social learning.
    // Who holds the canary is counted for everyone every round (`canary_holders`).
    const panel = yield* measurePanel(open, round === scenario.rounds)
    return { pairs, written, ...stats, ...panel } satisfies RoundOutcome
  })
