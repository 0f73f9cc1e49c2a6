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
