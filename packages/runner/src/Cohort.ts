import { Actor, type ActorRef, ActorSystem } from "@lyceum/actors"
import { type AgentId, deriveSeed, type TaskItem } from "@lyceum/core"
import {
  type AdversaryPlan,
  type LessonAudit,
  type LessonStrategy,
  RecorderProtocol,
  type StudentPlan,
  type StudentProtocol,
  studentActor,
  teacherActor,
} from "@lyceum/learning"
import { ModelRegistry } from "@lyceum/models"
import { defaultPolicy, type FilterPolicy, makeFilter, smuggles } from "@lyceum/privacy"
import { type MethodConfig, methodLabel, type Scenario } from "@lyceum/scenario"
import { partitionIid, type Task } from "@lyceum/tasks"
import { Effect } from "effect"
import type { TaskData } from "./TaskData.js"

/** The agents teaching one task with one method in one repeat, as the coordinator sees them. */
export interface Cohort {
  /** `<task>.<method>`: part of every lesson id. */
  readonly label: string
  readonly method: string
  readonly teachers: ReadonlyArray<{ readonly id: AgentId; readonly dataSize: number }>
  readonly students: ReadonlyArray<{
    readonly id: AgentId
    readonly ref: ActorRef<typeof StudentProtocol.Type>
  }>
  /** Audit records the teachers sent since the last call. */
  readonly takeAudit: () => ReadonlyArray<LessonAudit>
}

/** Agent ids are positional, so the coordinator and every process name the same agent alike. */
export const teacherId = (i: number) => `teacher-${i + 1}` as AgentId
export const studentId = (i: number) => `student-${i + 1}` as AgentId

/** How long a student waits for its teachers; generation on a remote endpoint can take minutes. */
const TEACH_TIMEOUT = "10 minutes"

/** The scenario's privacy section as a filter policy (PII detectors are not run at all when `off`). */
const policyOf = (privacy: Scenario["privacy"]): FilterPolicy => {
  const pii = privacy.pii === "off" ? "flag" : privacy.pii
  return {
    ...defaultPolicy,
    verbatim: privacy.verbatim,
    secret: privacy.secrets,
    session: privacy.secrets,
    email: pii,
    phone: pii,
    card: pii,
    iban: pii,
    ip: pii,
    "national-id": pii,
  }
}

/** What teachers do under a method; undefined when the method needs no teacher. */
const teacherStrategy = (method: MethodConfig, task: Task): LessonStrategy | undefined => {
  switch (method.strategy) {
    case "zero-shot":
    case "manual-instruction":
      return undefined
    case "original-examples":
      return { kind: "original-examples" }
    case "synthetic-examples":
    case "adversarial-examples":
      return {
        kind: "synthetic-examples",
        nGen: method.nGen,
        temperature: method.temperature,
        samples: method.samples,
        maxTokens: 96 + (task.maxAnswerTokens ?? 0),
      }
    case "instruction":
      return {
        kind: "instruction",
        examples: method.examples,
        temperature: method.temperature,
        maxTokens: method.maxTokens,
      }
  }
}

/** What the `i`-th teacher smuggles under an adversarial method (the first `adversaries` teachers do). */
const adversaryPlan = (
  method: MethodConfig,
  i: number,
  canary: { readonly item: TaskItem; readonly secret: string } | undefined,
): AdversaryPlan | undefined =>
  method.strategy === "adversarial-examples" && canary !== undefined && i < method.adversaries
    ? {
        secret: canary.secret,
        carrier: canary.item,
        smuggles: method.smuggle.map((name) => smuggles[name]!),
        split: method.split,
      }
    : undefined

/** How students learn under a method (social-learning.md §1: originals and instructions from one teacher). */
const studentPlan = (method: MethodConfig): StudentPlan => {
  switch (method.strategy) {
    case "zero-shot":
    case "manual-instruction":
      return { kind: "no-teachers" }
    case "original-examples":
      return {
        kind: "examples",
        aggregator: method.aggregator,
        perTeacher: "missing",
        teachers: method.teachers,
      }
    case "synthetic-examples":
    case "adversarial-examples":
      return { kind: "examples", aggregator: method.aggregator, perTeacher: method.topK, teachers: "all" }
    case "instruction":
      return { kind: "instruction" }
  }
}

/**
 * Partitions the task's training data for this repeat and spawns a recorder, the teachers and the students on
 * the actor system in context. They live as long as the system's scope.
 */
export const spawnCohort = (options: {
  readonly runId: string
  readonly repeat: number
  readonly seed: number
  readonly scenario: Scenario
  readonly data: TaskData
  readonly method: MethodConfig
  /** This repeat's canary: inserted into every teacher's private data, and a secret its filter knows. */
  readonly canary?: { readonly item: TaskItem; readonly secret: string } | undefined
}) =>
  Effect.gen(function* () {
    const { runId, repeat, seed, scenario, data, method } = options
    const system = yield* ActorSystem
    const registry = yield* ModelRegistry
    const label = `${data.task.name}.${methodLabel(method)}`
    const address = (kind: string, id: string) => ({ run: runId, kind, id })

    const audit: Array<LessonAudit> = []
    const recorder = yield* system.spawn(
      address("coordinator", "recorder"),
      Actor.make(
        RecorderProtocol,
        Effect.succeed({ RecordAudit: ({ records }) => Effect.sync(() => void audit.push(...records)) }),
      ),
    )

    // The same partition for every method of a repeat, so methods are compared on the same private data.
    const parts =
      data.partition === undefined
        ? partitionIid(data.train, {
            parts: scenario.teachers.count,
            seed: deriveSeed(seed, "partition", data.task.name, repeat),
            holdoutFraction: scenario.teachers.holdout,
          })
        : data.partition(scenario.teachers.count).map((train) => ({ train, holdout: [] }))
    // An IID share is in shuffled order, so its first `dataSize` examples are a random sample of it.
    const keep = scenario.teachers.dataSize
    const shares = keep === undefined ? parts : parts.map((p) => ({ ...p, train: p.train.slice(0, keep) }))
    const strategy = teacherStrategy(method, data.task)
    const privacy = method.privacy ?? scenario.privacy

    const teachers =
      strategy === undefined
        ? []
        : yield* Effect.forEach(shares, (part, i) =>
            Effect.gen(function* () {
              const id = teacherId(i)
              const adversary = adversaryPlan(method, i, options.canary)
              const model = yield* registry.forAgent(scenario.teachers.model, id, { repeat })
              const privateItems =
                options.canary === undefined ? part.train : [...part.train, options.canary.item]
              const filter = makeFilter(
                {
                  secrets: options.canary === undefined ? [] : [options.canary.secret],
                  // Compared with each private example's input: a copy with another label still leaks it.
                  privateTexts: privateItems.map((item) => item.input),
                  pii: privacy.pii !== "off",
                  overlapWords: false,
                },
                policyOf(privacy),
              )
              const ref = yield* system.spawn(
                address("teacher", id),
                teacherActor(
                  {
                    id,
                    task: data.task,
                    privateItems,
                    heldOut: part.holdout,
                    model,
                    filter,
                    strategy:
                      adversary !== undefined && strategy.kind === "synthetic-examples"
                        ? { ...strategy, adversary }
                        : strategy,
                    seed: deriveSeed(seed, "teacher", label, repeat, id),
                  },
                  recorder,
                ),
              )
              return { id, dataSize: part.train.length, ref }
            }),
          )

    const manualInstruction = method.strategy === "manual-instruction" ? method.text[data.kind] : undefined
    const students = yield* Effect.forEach(Array.from({ length: scenario.students.count }), (_, i) =>
      Effect.gen(function* () {
        const id = studentId(i)
        const model = yield* registry.forAgent(scenario.students.model, id, { repeat })
        const ref = yield* system.spawn(
          address("student", id),
          studentActor(
            {
              id,
              task: data.task,
              model,
              seed: deriveSeed(seed, "student", label, repeat, id),
              manualInstruction,
              cohort: label,
              plan: studentPlan(method),
            },
            teachers.map((t) => t.ref),
            { teachTimeout: TEACH_TIMEOUT },
          ),
        )
        return { id, ref }
      }),
    )

    return {
      label,
      method: methodLabel(method),
      teachers: teachers.map(({ id, dataSize }) => ({ id, dataSize })),
      students,
      takeAudit: () => audit.splice(0, audit.length),
    } satisfies Cohort
  })
