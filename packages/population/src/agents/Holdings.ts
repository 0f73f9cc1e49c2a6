import { type CohortId, cohortKey, variantOf } from "@lyceum/coalition"
import { deriveSeed, makeRng, type TaskItem } from "@lyceum/core"
import { canaryTemplates, drawCanary, renderCanary } from "@lyceum/privacy"
import { partitionIid, type TaskData } from "@lyceum/tasks"
import type { PopulationScenario } from "../config/PopulationConfig.js"

/** The canary's template family per task kind (the social-learning kind's choice: each task's own template). */
const TEMPLATE_TASK: Readonly<Record<string, string>> = {
  spam: "spam",
  cloze: "lambada",
  arithmetic: "gsm8k",
  // A cultural fact is a sentence whose last word is filled in, as Lambada's are.
  cultural: "lambada",
}

/** One repeat's canary as a private example of the task, the secret the first seed's filter knows, and every
 * candidate text (the canary's first) an evaluated agent ranks. */
export interface PopulationCanary {
  readonly item: TaskItem
  readonly secret: string
  readonly texts: ReadonlyArray<string>
}

/**
 * What every agent of a cohort holds before round 1, as every process derives it from the spec (nothing of it
 * is stored per agent): the seed agents and their shares, each other agent's few private examples, the canary.
 */
export interface Holdings {
  /** Seed agents, ascending. */
  readonly seeds: ReadonlyArray<number>
  /** An agent's private examples (seed shares, the canary for the first seed, or `private.examples` IID draws). */
  readonly privateItems: (agent: number) => ReadonlyArray<TaskItem>
  /** Every seed's private example as taught (rendered), the canary's excepted: the knowledge that diffuses. */
  readonly seedTexts: ReadonlySet<string>
  readonly canary: PopulationCanary | undefined
  /** The first seed holds the canary. */
  readonly canaryHolder: number | undefined
}

/** `count` distinct integers in [0, n), ascending (Floyd's algorithm: O(count), whatever n is). */
export const sampleDistinct = (n: number, count: number, rng: ReturnType<typeof makeRng>): Array<number> => {
  const chosen = new Set<number>()
  for (let j = n - Math.min(count, n); j < n; j++) {
    const t = rng.int(j + 1)
    chosen.add(chosen.has(t) ? j : t)
  }
  return [...chosen].sort((a, b) => a - b)
}

const drawPopulationCanary = (
  scenario: PopulationScenario,
  data: TaskData,
  seed: number,
  repeat: number,
): PopulationCanary | undefined => {
  const config = scenario.canary
  if (config === undefined || data.canaryItem === undefined) return undefined
  const template = canaryTemplates.find((t) => t.task === TEMPLATE_TASK[data.kind] && t.kind === config.kind)
  if (template === undefined) return undefined
  const draw = drawCanary(config.kind, config.candidates, makeRng(deriveSeed(seed, "canary", repeat)))
  const items = [draw.canary, ...draw.alternatives].map((f) => data.canaryItem!(renderCanary(template, f)))
  return { item: items[0]!, secret: draw.canary, texts: items.map(data.task.render) }
}

export const holdingsOf = (spec: {
  readonly scenario: PopulationScenario
  readonly data: TaskData
  readonly seed: number
  readonly id: CohortId
}): Holdings => {
  const { scenario, data, seed, id } = spec
  const n = scenario.agents
  const count = scenario.seeds.count
  // The same seeds and shares for every method of a repeat, so methods are compared on the same population.
  const seeds =
    scenario.seeds.agents !== undefined
      ? [...scenario.seeds.agents].sort((a, b) => a - b)
      : sampleDistinct(n, count, makeRng(deriveSeed(seed, "seeds", data.task.name, id.repeat)))
  const shares =
    data.partition?.(count) ??
    partitionIid(data.train, {
      parts: count,
      seed: deriveSeed(seed, "partition", data.task.name, id.repeat),
    }).map((p) => p.train)
  const canary = drawPopulationCanary(scenario, data, seed, id.repeat)
  const seedIndex = new Map(seeds.map((agent, i) => [agent, i]))
  const canaryHolder = canary === undefined ? undefined : seeds[0]
  const privateKey = deriveSeed(seed, "private", data.task.name, id.repeat)
  const privateItems = (agent: number): ReadonlyArray<TaskItem> => {
    const share = seedIndex.get(agent)
    if (share !== undefined) {
      const items = shares[share] ?? []
      return agent === canaryHolder ? [...items, canary!.item] : items
    }
    const k = scenario.private.examples
    if (k === 0 || data.train.length === 0) return []
    const rng = makeRng(deriveSeed(privateKey, agent))
    return sampleDistinct(data.train.length, k, rng).map((i) => data.train[i]!)
  }
  const seedTexts = new Set(shares.slice(0, count).flatMap((share) => share.map(data.task.render)))
  return { seeds, privateItems, seedTexts, canary, canaryHolder }
}

/** A cohort's name in the rng paths of its rounds (without its sweep point: every point draws alike). */
export const cohortSeed = (seed: number, id: CohortId, ...path: ReadonlyArray<string | number>) =>
  deriveSeed(seed, cohortKey({ ...id, method: variantOf(id.method) }), ...path)
