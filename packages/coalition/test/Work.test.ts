import type { TaskData } from "@lyceum/tasks"
import { describe, expect, it } from "vitest"
import { runWork, workTally } from "../src/Work.js"

describe("estimated work, as every kind's plan adds it up", () => {
  it("tallies calls and their tokens", () => {
    const { add, total } = workTally()
    add(3, 10)
    add(2, 5)
    expect(total()).toEqual({ calls: 5, tokens: 40 })
  })

  it("counts every task × variant cohort once per repeat", () => {
    // Only the test split's size matters to this estimate.
    const tasks = [{ test: [1, 2] }, { test: [1, 2, 3] }] as unknown as ReadonlyArray<TaskData>
    const work = runWork(tasks, [1, 10], 4, (data, each) => ({
      calls: data.test.length,
      tokens: data.test.length * each,
    }))
    // (2 + 2 + 3 + 3) calls and (2 + 20 + 3 + 30) tokens per repeat.
    expect(work).toEqual({ modelCalls: 40, tokens: 220 })
  })
})
