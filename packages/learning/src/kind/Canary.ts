import { deriveSeed, makeRng, type TaskItem } from "@lyceum/core"
import { type CanaryKind, canaryTemplate, canaryTemplates, drawCanary, renderCanary } from "@lyceum/privacy"
import type { TaskData } from "@lyceum/tasks"
import type { SocialLearningScenario as Scenario } from "../config/index.js"

/** The canary of one repeat: its secret filling, then its alternatives (paper: N_SS - 1 of them). */
export interface CanaryDrawn {
  readonly secret: string
  readonly fillings: ReadonlyArray<string>
}

/** One repeat's canary as a private example of one task, and every candidate as that task renders it. */
export interface TaskCanary {
  readonly item: TaskItem
  readonly secret: string
  /** The canary's rendered example first, then the alternatives'. */
  readonly texts: ReadonlyArray<string>
}

/** The task each template family imitates. */
const TEMPLATE_TASK: Readonly<Record<string, string>> = {
  spam: "spam",
  cloze: "lambada",
  arithmetic: "gsm8k",
}

const kindOf = (config: NonNullable<Scenario["canary"]>): CanaryKind =>
  config.kind ?? canaryTemplate(config.template!)!.kind

/**
 * One canary per repeat (the paper's T_SS trials are repeats), the same filling for every task and method,
 * and for every process of the run: it is drawn from the run's seed alone.
 */
export const drawRepeatCanary = (
  scenario: Scenario,
  seed: number,
  repeat: number,
): CanaryDrawn | undefined => {
  if (scenario.canary === undefined) return undefined
  const draw = drawCanary(
    kindOf(scenario.canary),
    scenario.canary.candidates,
    makeRng(deriveSeed(seed, "canary", repeat)),
  )
  return { secret: draw.canary, fillings: [draw.canary, ...draw.alternatives] }
}

/**
 * The canary in this task's template (the scenario's, or the task's own for the canary's kind) as a private
 * example, with the secret its teachers' filters know; undefined for tasks without canaries.
 */
export const canaryForTask = (
  draw: CanaryDrawn | undefined,
  data: TaskData,
  scenario: Scenario,
): TaskCanary | undefined => {
  const config = scenario.canary
  if (draw === undefined || config === undefined || data.canaryItem === undefined) return undefined
  const family = TEMPLATE_TASK[data.kind]
  const template =
    config.template !== undefined
      ? canaryTemplate(config.template)
      : canaryTemplates.find((t) => t.task === family && t.kind === config.kind)
  if (template === undefined) return undefined
  const items = draw.fillings.map((filling) => data.canaryItem!(renderCanary(template, filling)))
  return { item: items[0]!, secret: draw.secret, texts: items.map(data.task.render) }
}
