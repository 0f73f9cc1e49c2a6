import type { TaskData } from "@lyceum/tasks"

/**
 * Tokens of one rendered example of a task, at about 4 characters per token, from up to 50 of its items: what
 * kinds' `plan` estimates multiply by (an estimate to size a run, not an account).
 */
export const exampleTokens = (data: TaskData): number => {
  const items = [...data.train.slice(0, 25), ...data.test.slice(0, 25)]
  if (items.length === 0) return 30
  return Math.max(1, items.reduce((sum, item) => sum + data.task.render(item).length, 0) / items.length / 4)
}

/** Model calls and prompt + completion tokens of some estimated work (a kind's `plan` adds them up). */
export interface Work {
  readonly calls: number
  readonly tokens: number
}

/** A running count of estimated work: `add(n, each)` counts `n` calls of `each` tokens. */
export const workTally = () => {
  let calls = 0
  let tokens = 0
  return {
    add: (n: number, each: number) => {
      calls += n
      tokens += n * each
    },
    total: (): Work => ({ calls, tokens }),
  }
}

/** The whole run's work: every cohort's (one per task and variant), once per repeat. */
export const runWork = <V>(
  tasks: ReadonlyArray<TaskData>,
  variants: ReadonlyArray<V>,
  repeats: number,
  cohortWork: (data: TaskData, variant: V) => Work,
): { readonly modelCalls: number; readonly tokens: number } => {
  let modelCalls = 0
  let tokens = 0
  for (const data of tasks)
    for (const variant of variants) {
      const work = cohortWork(data, variant)
      modelCalls += work.calls * repeats
      tokens += work.tokens * repeats
    }
  return { modelCalls, tokens }
}
