import { Actor, type ActorRef, ActorSystem } from "@lyceum/actors"
import {
  COORDINATOR,
  type CohortSpec,
  cohortAddresses,
  cohortLabel,
  cohortSeedLabel,
  type Hosted,
  meteringLabel,
  privateDataFilter,
} from "@lyceum/coalition"
import { type AgentId, deriveSeed, type TaskItem } from "@lyceum/core"
import { ModelRegistry } from "@lyceum/models"
import { smuggles } from "@lyceum/privacy"
import { partitionIid, type Task } from "@lyceum/tasks"
import { Effect } from "effect"
import type { AdversaryPlan } from "../Adversary.js"
import type { MethodConfig, SocialLearningScenario } from "../config/index.js"
import { RecorderProtocol, StudentProtocol, TeacherProtocol } from "../Protocol.js"
import type { StudentPlan } from "../StudentActor.js"
import { studentActor } from "../StudentActor.js"
import type { LessonAudit, LessonStrategy } from "../Teacher.js"
import { teacherActor } from "../TeacherActor.js"
import { canaryForTask, drawRepeatCanary } from "./Canary.js"

/** A cohort of social learning: a task taught with one of the scenario's methods in one repeat. */
export type SocialCohort = CohortSpec<SocialLearningScenario>

/** The agents teaching one task with one method in one repeat, as the coordinator sees them. */
export interface Cohort {
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
        rankBy: method.rankBy,
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

/** This cohort's method and canary, as every process derives them from the spec. */
const methodOf = (spec: SocialCohort): MethodConfig => spec.scenario.methods[spec.variant]!
export const canaryOf = (spec: SocialCohort) =>
  canaryForTask(drawRepeatCanary(spec.scenario, spec.seed, spec.id.repeat), spec.data, spec.scenario)

/** Every agent of the cohort: what a single-process run hosts (teachers only when the method has any). */
export const allAgents = (spec: SocialCohort): Hosted => ({
  teacher:
    teacherStrategy(methodOf(spec), spec.data.task) === undefined ? [] : range(spec.scenario.teachers.count),
  student: range(spec.scenario.students.count),
})

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/**
 * Each teacher's private share for this repeat. The same partition for every method of a repeat, so methods
 * are compared on the same private data.
 */
export const teacherShares = (spec: Pick<SocialCohort, "data" | "scenario" | "seed" | "id">) => {
  const { data, scenario, seed } = spec
  const parts =
    data.partition === undefined
      ? partitionIid(data.train, {
          parts: scenario.teachers.count,
          seed: deriveSeed(seed, "partition", data.task.name, spec.id.repeat),
          holdoutFraction: scenario.teachers.holdout,
        })
      : data.partition(scenario.teachers.count).map((train) => ({ train, holdout: [] }))
  // An IID share is in shuffled order, so its first `dataSize` examples are a random sample of it.
  const keep = scenario.teachers.dataSize
  return keep === undefined ? parts : parts.map((p) => ({ ...p, train: p.train.slice(0, keep) }))
}

/**
 * The coordinator's side of a cohort: the recorder that collects every teacher's audit records, and refs to
 * every student by address, wherever it is hosted (spawn them with `spawnAgents`, here or on workers).
 */
export const openCohort = (spec: SocialCohort) =>
  Effect.gen(function* () {
    const system = yield* ActorSystem
    const address = cohortAddresses(spec)
    const audit: Array<LessonAudit> = []
    yield* system.spawn(
      address(COORDINATOR, "recorder"),
      Actor.make(
        RecorderProtocol,
        Effect.succeed({ RecordAudit: ({ records }) => Effect.sync(() => void audit.push(...records)) }),
      ),
    )
    return {
      students: allAgents(spec).student!.map((i) => ({
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
export const spawnAgents = (spec: SocialCohort, hosted: Hosted) =>
  Effect.gen(function* () {
    const { seed, scenario, data } = spec
    const { repeat } = spec.id
    const method = methodOf(spec)
    const canary = canaryOf(spec)
    const system = yield* ActorSystem
    const registry = yield* ModelRegistry
    const label = cohortLabel(spec.id)
    // Without the sweep point: every point of a sweep plays with the same random numbers.
    const seedLabel = cohortSeedLabel(spec.id)
    const address = cohortAddresses(spec)
    const recorder = system.refFor(address(COORDINATOR, "recorder"), RecorderProtocol)
    const shares = teacherShares(spec)
    const strategy = teacherStrategy(method, data.task)
    const privacy = method.privacy ?? scenario.privacy

    if (strategy !== undefined) {
      yield* Effect.forEach(hosted.teacher ?? [], (i) =>
        Effect.gen(function* () {
          const part = shares[i]!
          const id = teacherId(i)
          const adversary = adversaryPlan(method, i, canary)
          const model = yield* registry.forAgent(scenario.teachers.model, meteringLabel(spec.id, id), {
            repeat,
          })
          const privateItems = canary === undefined ? part.train : [...part.train, canary.item]
          const filter = privateDataFilter(privacy, {
            secrets: canary === undefined ? [] : [canary.secret],
            privateTexts: privateItems.map((item) => item.input),
          })
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
                seed: deriveSeed(seed, "teacher", seedLabel, repeat, id),
                // The run's choice, whatever filter policy the method sets.
                keepDroppedText: scenario.privacy.keepDroppedText,
              },
              recorder,
            ),
          )
        }),
      )
    }

    const teachers = allAgents(spec).teacher!.map((i) =>
      system.refFor(address("teacher", teacherId(i)), TeacherProtocol),
    )
    const manualInstruction = method.strategy === "manual-instruction" ? method.text[data.kind] : undefined
    yield* Effect.forEach(hosted.student ?? [], (i) =>
      Effect.gen(function* () {
        const id = studentId(i)
        const model = yield* registry.forAgent(scenario.students.model, meteringLabel(spec.id, id), {
          repeat,
        })
        yield* system.spawn(
          address("student", id),
          studentActor(
            {
              id,
              task: data.task,
              model,
              seed: deriveSeed(seed, "student", seedLabel, repeat, id),
              manualInstruction,
              cohort: label,
              plan: studentPlan(method),
              canaryTexts: canary?.texts,
            },
            teachers,
            { teachTimeout: TEACH_TIMEOUT },
          ),
        )
      }),
    )
  })
