import { deriveSeed, makeRng, type TaskItem } from "@lyceum/core"
import { canaryTemplate, drawCanary, renderCanary } from "@lyceum/privacy"
import type { Scenario } from "@lyceum/scenario"
import type { TaskData } from "./TaskData.js"

/** The canary of one repeat: its secret, and the canary text first, then its alternatives. */
export interface CanaryDrawn {
  readonly secret: string
  readonly texts: ReadonlyArray<string>
}

/**
 * One canary per repeat (the paper's T_SS trials are repeats), the same for every task and method, and for
 * every process of the run: it is drawn from the run's seed alone.
 */
export const drawRepeatCanary = (
  scenario: Scenario,
  seed: number,
  repeat: number,
): CanaryDrawn | undefined => {
  if (scenario.canary === undefined) return undefined
  const template = canaryTemplate(scenario.canary.template)!
  const draw = drawCanary(
    template.kind,
    scenario.canary.candidates,
    makeRng(deriveSeed(seed, "canary", repeat)),
  )
  return {
    secret: draw.canary,
    texts: [draw.canary, ...draw.alternatives].map((filling) => renderCanary(template, filling)),
  }
}

/** The canary as a private example of this task, with the secret its teachers' filters know. */
export const canaryForTask = (
  draw: CanaryDrawn | undefined,
  data: TaskData,
): { readonly item: TaskItem; readonly secret: string } | undefined =>
  draw === undefined || data.canaryItem === undefined
    ? undefined
    : { item: data.canaryItem(draw.texts[0]!), secret: draw.secret }
