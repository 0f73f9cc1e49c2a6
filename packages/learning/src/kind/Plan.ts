import { exampleTokens, type KindPlan, modelText, runWork, workTally } from "@lyceum/coalition"
import type { TaskData } from "@lyceum/tasks"
import type { MethodConfig, SocialLearningScenario } from "../config/index.js"
import { studentId, teacherId } from "./Cohort.js"

/** How many examples a teacher's ranking and a voter's context hold (Teacher.ts: VOTING_CONTEXT). */
const VOTING_CONTEXT = 8

/**
 * Calls and tokens of one cohort: every student answers every test item after every round (round 0 too); in
 * rounds 1.. the method's teachers generate and score; with a canary every student scores it and its
 * alternatives once at the end. Mirrors Teacher.ts and StudentActor.ts closely enough to size a run.
 */
const cohortWork = (scenario: SocialLearningScenario, data: TaskData, method: MethodConfig) => {
  const teachers = scenario.teachers.count
  const students = scenario.students.count
  const sizes = [0, ...scenario.rounds]
  const example = exampleTokens(data)
  const answer = data.task.maxAnswerTokens ?? 32
  const { add, total } = workTally()
  sizes.forEach((size, round) => {
    add(students * data.test.length, (size + 1) * example + answer)
    if (round === 0) return
    const grow = size - sizes[round - 1]!
    switch (method.strategy) {
      case "synthetic-examples":
      case "adversarial-examples": {
        // Per student: each teacher generates `samples` at once, then scores each sample against its context.
        add(students * teachers, method.nGen * example + method.samples * example)
        add(students * teachers * method.samples, (method.nGen + 1) * example)
        if (method.aggregator === "voting")
          add(students * teachers * teachers * method.topK, (VOTING_CONTEXT + 1) * example)
        break
      }
      case "original-examples":
        if (method.aggregator === "voting") add(students * teachers * grow, (VOTING_CONTEXT + 1) * example)
        break
      case "instruction":
        add(students, method.examples * example + method.maxTokens)
        break
      default:
        break
    }
  })
  if (scenario.canary !== undefined) add(students * scenario.canary.candidates, (sizes.at(-1)! + 1) * example)
  return total()
}

/** The work of a social-learning scenario whose task data is prepared. */
export const plan = (scenario: SocialLearningScenario, tasks: ReadonlyArray<TaskData>): KindPlan => {
  const { modelCalls, tokens } = runWork(tasks, scenario.methods, scenario.repeats, (data, method) =>
    cohortWork(scenario, data, method),
  )
  return { agentsPerCohort: scenario.teachers.count + scenario.students.count, modelCalls, tokens }
}

/** Every agent the scenario declares; teachers' data sizes as in the first task's first repeat. */
export const agentRows = (scenario: SocialLearningScenario, tasks: ReadonlyArray<TaskData>) => {
  const first = tasks[0]!
  const share = (i: number) =>
    Math.floor(first.train.length / scenario.teachers.count) +
    (i < first.train.length % scenario.teachers.count ? 1 : 0)
  return [
    ...Array.from({ length: scenario.teachers.count }, (_, i) => ({
      agentId: teacherId(i),
      role: "teacher",
      model: modelText(scenario.teachers.model),
      dataSize: Math.min(
        share(i) - Math.floor(share(i) * scenario.teachers.holdout),
        scenario.teachers.dataSize ?? Number.POSITIVE_INFINITY,
      ),
    })),
    ...Array.from({ length: scenario.students.count }, (_, i) => ({
      agentId: studentId(i),
      role: "student",
      model: modelText(scenario.students.model),
      dataSize: null,
    })),
  ]
}
