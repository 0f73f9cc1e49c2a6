import { randomBytes } from "node:crypto"
import type { CohortId } from "@lyceum/coalition"
import { privateDataFilter } from "@lyceum/coalition"
import { makeRng, type TaskItem } from "@lyceum/core"
import { type LanguageModel, type ModelError, meanLogprob } from "@lyceum/models"
import type { FilterDecision, PrivacyFilter } from "@lyceum/privacy"
import type { PrivacyConfig } from "@lyceum/scenario"
import type { Task } from "@lyceum/tasks"
import { Effect } from "effect"
import type { PopulationMethod, PopulationScenario } from "../config/PopulationConfig.js"
import { cohortSeed, type Holdings } from "./Holdings.js"
import { makeMemory } from "./Memory.js"
import type { AgentAnswers, ShardStats, WrittenLesson } from "./Protocol.js"

/** An agent's id in rows and filter sessions: its 0-based index in the population. */
export const agentId = (agent: number) => `agent-${agent}`

/** Bits `Memory` keeps per text: a seed's example, the canary. */
const SEED_TEXT = 1
const CANARY_TEXT = 2

/** A teacher with nothing to teach. */
const NOTHING: WrittenLesson = { text: "", action: "none", score: 0 }

/** Parallel model calls within a shard (an endpoint has its own limiter; sim runs inline). */
const CALLS_IN_FLIGHT = 8

export interface ShardSetup {
  readonly scenario: PopulationScenario
  readonly task: Task
  readonly seed: number
  readonly id: CohortId
  readonly method: PopulationMethod
  readonly privacy: PrivacyConfig
  readonly keepDroppedText: boolean
  readonly holdings: Holdings
  /** The shard's agents: [first, first + size). */
  readonly first: number
  readonly size: number
  readonly model: LanguageModel
}

/**
 * A shard's agents: their memories (compact, see `Memory`), how they write a lesson for a neighbour through
 * their own privacy filter, learn, answer and score the canary. Everything random is drawn from the run's
 * seed and the agents and round involved, so the result does not depend on how agents are sharded or placed.
 */
export const makeShard = (setup: ShardSetup) => {
  const { scenario, task, holdings, first, size, model, method } = setup
  const sep = task.separator
  const canaryText = holdings.canary?.texts[0]
  const classify = (text: string) =>
    (holdings.seedTexts.has(text) ? SEED_TEXT : 0) | (text === canaryText ? CANARY_TEXT : 0)
  const memory = makeMemory(size, scenario.memory.capacity, scenario.memory.eviction, classify)
  const applied = new Set<string>()

  // Seeds hold many examples; their rendered texts are kept. Anyone else's few are drawn again when needed.
  const seedRendered = new Map<number, ReadonlyArray<string>>()
  const privateTexts = (agent: number): ReadonlyArray<string> => {
    const cached = seedRendered.get(agent)
    if (cached !== undefined) return cached
    const texts = holdings.privateItems(agent).map(task.render)
    if (holdings.seeds.includes(agent)) seedRendered.set(agent, texts)
    return texts
  }
  const material = (agent: number) => [...privateTexts(agent), ...memory.texts(agent - first)]
  const context = (agent: number) => material(agent).join(sep)
  /** `context` as the agent's graded answers are stored with it: its own examples withheld by default. */
  const storedContext = (agent: number) => {
    if (setup.keepDroppedText) return context(agent)
    const own = privateTexts(agent).length
    const withheld = own === 0 ? [] : [`[${own} private examples withheld]`]
    return [...withheld, ...memory.texts(agent - first)].join(sep)
  }

  /** An agent's filter: its own examples and secret. Agents holding nothing share one (it keeps no state). */
  // One findings-hash key per shard: drawing a random key for each agent's filter was a tenth of a round.
  const auditKey = randomBytes(32)
  const bare = privateDataFilter(setup.privacy, { privateTexts: [] }, auditKey)
  const filterOf = (agent: number): PrivacyFilter => {
    const items = holdings.privateItems(agent)
    const secrets = agent === holdings.canaryHolder ? [holdings.canary!.secret] : []
    return items.length === 0 && secrets.length === 0
      ? bare
      : privateDataFilter(setup.privacy, { privateTexts: items.map((i) => i.input), secrets }, auditKey)
  }

  /**
   * What goes back to the coordinator: the cleared text and, when the filter did not simply allow it, its
   * detector and reason; the findings (spans and keyed hashes) only where a row will be stored (`detailed`: a
   * panel agent's lesson) or something was withheld. A flag on every verbatim lesson would otherwise be most of
   * a reply's bytes (over a NATS server's max_payload for 2,000 lessons).
   */
  const outcome = (
    written: string,
    decision: FilterDecision,
    score: number,
    detailed: boolean,
  ): WrittenLesson => {
    const withheld = decision.action === "drop" || decision.action === "redact"
    return {
      text: decision.action === "drop" ? "" : (decision.text ?? ""),
      action: decision.action,
      score,
      ...(decision.action !== "allow" && {
        decision: {
          action: decision.action,
          detector: decision.detector,
          reason: decision.reason,
          ...((detailed || withheld) && { findings: decision.findings }),
        },
      }),
      ...(withheld && setup.keepDroppedText && { written }),
    }
  }

  /** One of the teacher's texts, drawn from the same stream as `writeOne`'s (no model call, no Effect). */
  const verbatim = (
    teacher: number,
    learner: number,
    round: number,
    filter: PrivacyFilter,
    detailed: boolean,
  ): WrittenLesson => {
    const texts = material(teacher)
    if (texts.length === 0) return NOTHING
    const rng = makeRng(cohortSeed(setup.seed, setup.id, "teach", round, teacher, learner))
    const text = texts[rng.int(texts.length)]!
    return outcome(text, filter.check(text, { student: agentId(learner) }), 0, detailed)
  }

  const writeOne = (
    teacher: number,
    learner: number,
    round: number,
    filter: PrivacyFilter,
    detailed: boolean,
  ): Effect.Effect<WrittenLesson, ModelError> =>
    Effect.gen(function* () {
      const texts = material(teacher)
      if (texts.length === 0) return NOTHING
      const rng = makeRng(cohortSeed(setup.seed, setup.id, "teach", round, teacher, learner))
      const student = agentId(learner)
      if (method.strategy === "original-examples") return verbatim(teacher, learner, round, filter, detailed)
      const shots = rng.shuffle(texts).slice(0, method.nGen)
      const prompt = shots.join(sep) + sep
      const generated = yield* model.generate({
        prompt,
        temperature: method.temperature,
        n: method.samples,
        maxTokens: 96 + (task.maxAnswerTokens ?? 0),
        stop: [sep],
        seed: rng.int(2 ** 31),
      })
      let best: WrittenLesson | undefined
      let firstRefused: WrittenLesson | undefined
      for (const raw of generated.texts) {
        const text = raw.trim()
        if (text.length === 0 || task.parse(text) === undefined) continue
        const decision = filter.check(text, { student })
        if (decision.action === "drop" || decision.text === undefined) {
          firstRefused ??= outcome(text, decision, 0, detailed)
          continue
        }
        const score = meanLogprob(yield* model.score({ prompt, continuation: decision.text }))
        if (best === undefined || score > best.score) best = outcome(text, decision, score, detailed)
      }
      return best ?? firstRefused ?? NOTHING
    })

  /**
   * One lesson per (teacher, learner) pair, in the pairs' order; `details` are the positions whose findings the
   * coordinator stores. Verbatim lessons are written in a plain loop (no model call to wait for).
   */
  const teach = (
    round: number,
    teachers: ReadonlyArray<number>,
    learners: ReadonlyArray<number>,
    details: ReadonlyArray<number> = [],
  ): Effect.Effect<ReadonlyArray<WrittenLesson>, ModelError> => {
    const filters = new Map<number, PrivacyFilter>()
    const filterFor = (teacher: number) => {
      let filter = filters.get(teacher)
      if (filter === undefined) {
        filter = filterOf(teacher)
        filters.set(teacher, filter)
      }
      return filter
    }
    const detailed = new Set(details)
    if (method.strategy === "original-examples")
      return Effect.sync(() =>
        teachers.map((teacher, i) =>
          verbatim(teacher, learners[i]!, round, filterFor(teacher), detailed.has(i)),
        ),
      )
    return Effect.forEach(
      teachers,
      (teacher, i) => writeOne(teacher, learners[i]!, round, filterFor(teacher), detailed.has(i)),
      { concurrency: CALLS_IN_FLIGHT },
    )
  }

  /** Takes lessons into memory in the given order; a chunk delivered again is applied once. */
  const learn = (
    round: number,
    chunk: number,
    learners: ReadonlyArray<number>,
    texts: ReadonlyArray<string>,
    scores: ReadonlyArray<number>,
  ): Effect.Effect<void, ModelError> =>
    Effect.gen(function* () {
      const key = `${round}/${chunk}`
      if (applied.has(key)) return
      for (let i = 0; i < learners.length; i++) {
        const agent = learners[i]!
        const local = agent - first
        const text = texts[i]!
        if (text.length === 0 || memory.holds(local, text)) continue
        // lowest-scored: the learner judges a lesson by its own model, not by its writer's word.
        const score =
          scenario.memory.eviction === "lowest-scored"
            ? meanLogprob(yield* model.score({ prompt: "", continuation: text }))
            : (scores[i] ?? 0)
        // Keyed by the lesson too: a round's k lessons to one agent must not all evict the same slot. Not by its
        // position in the message, which depends on how pairs were chunked and sharded.
        memory.add(local, text, score, (slots) =>
          makeRng(cohortSeed(setup.seed, setup.id, "evict", round, agent, text)).int(slots),
        )
      }
      applied.add(key)
    })

  const stats = (): ShardStats => {
    memory.compact()
    const counts = Array.from({ length: size }, (_, i) => memory.count(i))
    return {
      memory: counts,
      seedFacts: counts.map((_, i) => memory.countWith(i, SEED_TEXT)),
      canary: counts.map((_, i) => (memory.countWith(i, CANARY_TEXT) > 0 ? 1 : 0)),
    }
  }

  const evaluate = (
    agents: ReadonlyArray<number>,
    items: ReadonlyArray<TaskItem>,
  ): Effect.Effect<ReadonlyArray<AgentAnswers>, ModelError> =>
    Effect.forEach(agents, (agent) => {
      const learned = context(agent)
      return Effect.forEach(
        items,
        (item) =>
          Effect.map(
            model.generate({
              prompt: task.prompt(item, learned),
              temperature: 0,
              maxTokens: task.maxAnswerTokens ?? 32,
              stop: task.stop,
            }),
            (response) => {
              const answer = response.texts[0] ?? ""
              return { itemId: item.id, answer, target: item.target, correct: task.grade(answer, item) }
            },
          ),
        { concurrency: CALLS_IN_FLIGHT },
      ).pipe(
        Effect.map((results) => ({
          agent,
          promptLessons: material(agent).length,
          context: storedContext(agent),
          results,
        })),
      )
    })

  const scoreCanary = (
    agents: ReadonlyArray<number>,
  ): Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, ModelError> =>
    Effect.forEach(agents, (agent) => {
      const learned = context(agent)
      const prompt = learned.length === 0 ? "" : learned + sep
      return Effect.forEach(
        holdings.canary?.texts ?? [],
        (text) => Effect.map(model.score({ prompt, continuation: text }), meanLogprob),
        { concurrency: CALLS_IN_FLIGHT },
      )
    })

  return { teach, learn, stats, evaluate, scoreCanary, memory }
}
