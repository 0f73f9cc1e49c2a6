import { Actor, type ActorRef, ActorSystem } from "@lyceum/actors"
import { type AgentId, deriveSeed, type TaskItem } from "@lyceum/core"
import {
  type AdversaryPlan,
  type LessonAudit,
  type LessonStrategy,
  RecorderProtocol,
  type StudentPlan,
  StudentProtocol,
  studentActor,
  TeacherProtocol,
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
  /** Tells this cohort's addresses and model usage apart from other cohorts' (`cohortKey`). */
  readonly key: string
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

/** One cohort of a run: a task played with a method in a repeat. Every process derives the same agents from it. */
export interface CohortSpec {
  readonly runId: string
  readonly repeat: number
  readonly seed: number
  readonly scenario: Scenario
  readonly data: TaskData
  readonly method: MethodConfig
  /** This repeat's canary: inserted into every teacher's private data, and a secret its filter knows. */
  readonly canary?: { readonly item: TaskItem; readonly secret: string } | undefined
}

/** Which of a cohort's agents one process hosts, by index. */
export interface Hosted {
  readonly teachers: ReadonlyArray<number>
  readonly students: ReadonlyArray<number>
}

/** Every agent of the cohort: what a single-process run hosts. */
export const allAgents = (spec: CohortSpec): Hosted => ({
  teachers:
    teacherStrategy(spec.method, spec.data.task) === undefined ? [] : range(spec.scenario.teachers.count),
  students: range(spec.scenario.students.count),
})

const range = (n: number) => Array.from({ length: n }, (_, i) => i)
/** `<task>.<method>`: how lines name the cohort (`cohortName` adds the repeat). */
export const cohortLabel = (spec: Pick<CohortSpec, "data" | "method">) =>
  `${spec.data.task.name}.${methodLabel(spec.method)}`

/**
 * `r<repeat>-<task>-<method>`: what tells cohorts of a run apart, so several can play at once. Agents keep
 * their positional ids (`teacher-1`) in lessons and tables; their addresses and metering labels carry this.
 */
export const cohortKey = (spec: Pick<CohortSpec, "repeat" | "data" | "method">) =>
  `r${spec.repeat}-${spec.data.task.name}-${methodLabel(spec.method)}`.replace(/[^A-Za-z0-9_-]/g, "_")

/** The model-usage label of a cohort's agent: `<cohort key>/<agent id>`. */
export const meteringLabel = (key: string, agent: AgentId) => `${key}/${agent}`

/** An agent's address: its id, then the cohort key (`agentOfAddress` reads the id back for messages). */
const addressIn = (spec: CohortSpec) => {
  const key = cohortKey(spec)
  return (kind: string, id: string) => ({ run: spec.runId, kind, id: `${id}--${key}` })
}

/**
 * Each teacher's private share for this repeat. The same partition for every method of a repeat, so methods
 * are compared on the same private data.
 */
const teacherShares = (spec: CohortSpec) => {
  const { data, scenario, seed, repeat } = spec
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
  return keep === undefined ? parts : parts.map((p) => ({ ...p, train: p.train.slice(0, keep) }))
}

/**
 * The coordinator's side of a cohort: the recorder that collects every teacher's audit records, and refs to
 * every agent by address, wherever it is hosted (spawn them with `spawnAgents`, here or on workers).
 */
export const openCohort = (spec: CohortSpec) =>
  Effect.gen(function* () {
    const system = yield* ActorSystem
    const address = addressIn(spec)
    const audit: Array<LessonAudit> = []
    yield* system.spawn(
      address("coordinator", "recorder"),
      Actor.make(
        RecorderProtocol,
        Effect.succeed({ RecordAudit: ({ records }) => Effect.sync(() => void audit.push(...records)) }),
      ),
    )
    const all = allAgents(spec)
    const shares = teacherShares(spec)
    return {
      label: cohortLabel(spec),
      key: cohortKey(spec),
      method: methodLabel(spec.method),
      teachers: all.teachers.map((i) => ({ id: teacherId(i), dataSize: shares[i]!.train.length })),
      students: all.students.map((i) => ({
        id: studentId(i),
        ref: system.refFor(address("student", studentId(i)), StudentProtocol),
      })),
      takeAudit: () => audit.splice(0, audit.length),
    } satisfies Cohort
  })

/**
 * Spawns the `hosted` teachers and students of a cohort on the actor system in context; they live as long as
 * the system's scope. Students reach their teachers, and teachers the coordinator's recorder, by address, so
 * any agent may live in another process.
 */
export const spawnAgents = (spec: CohortSpec, hosted: Hosted) =>
  Effect.gen(function* () {
    const { repeat, seed, scenario, data, method } = spec
    const system = yield* ActorSystem
    const registry = yield* ModelRegistry
    const label = cohortLabel(spec)
    const address = addressIn(spec)
    const key = cohortKey(spec)
    const recorder = system.refFor(address("coordinator", "recorder"), RecorderProtocol)
    const shares = teacherShares(spec)
    const strategy = teacherStrategy(method, data.task)
    const privacy = method.privacy ?? scenario.privacy

    if (strategy !== undefined) {
      yield* Effect.forEach(hosted.teachers, (i) =>
        Effect.gen(function* () {
          const part = shares[i]!
          const id = teacherId(i)
          const adversary = adversaryPlan(method, i, spec.canary)
          const model = yield* registry.forAgent(scenario.teachers.model, meteringLabel(key, id), { repeat })
          const privateItems = spec.canary === undefined ? part.train : [...part.train, spec.canary.item]
          const filter = makeFilter(
            {
              secrets: spec.canary === undefined ? [] : [spec.canary.secret],
              // Compared with each private example's input: a copy with another label still leaks it.
              privateTexts: privateItems.map((item) => item.input),
              pii: privacy.pii !== "off",
              overlapWords: false,
            },
            policyOf(privacy),
          )
          yield* system.spawn(
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
        }),
      )
    }

    const teachers = allAgents(spec).teachers.map((i) =>
      system.refFor(address("teacher", teacherId(i)), TeacherProtocol),
    )
    const manualInstruction = method.strategy === "manual-instruction" ? method.text[data.kind] : undefined
    yield* Effect.forEach(hosted.students, (i) =>
      Effect.gen(function* () {
        const id = studentId(i)
        const model = yield* registry.forAgent(scenario.students.model, meteringLabel(key, id), { repeat })
        yield* system.spawn(
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
            teachers,
            { teachTimeout: TEACH_TIMEOUT },
          ),
        )
      }),
    )
  })
