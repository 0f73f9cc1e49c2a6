import { Actor, type ActorRef, ActorSystem } from "@lyceum/actors"
import { type AgentId, deriveSeed } from "@lyceum/core"
import {
  type LessonAudit,
  RecorderProtocol,
  randomAggregator,
  type StudentProtocol,
  studentActor,
  teacherActor,
} from "@lyceum/learning"
import { ModelRegistry } from "@lyceum/models"
import { makePrivacyFilter, verbatimDetector } from "@lyceum/privacy"
import type { Scenario } from "@lyceum/scenario"
import { partitionIid } from "@lyceum/tasks"
import { Effect } from "effect"
import type { TaskData } from "./TaskData.js"

/** The agents of one repeat, as the coordinator sees them. */
export interface Cohort {
  readonly teachers: ReadonlyArray<{ readonly id: AgentId; readonly dataSize: number }>
  readonly students: ReadonlyArray<{
    readonly id: AgentId
    readonly ref: ActorRef<typeof StudentProtocol.Type>
  }>
  /** Audit records the teachers sent since the last call. */
  readonly takeAudit: () => ReadonlyArray<LessonAudit>
}

const teacherId = (i: number) => `teacher-${i + 1}` as AgentId
const studentId = (i: number) => `student-${i + 1}` as AgentId

/** How long a student waits for its teachers; generation on a remote endpoint can take minutes. */
const TEACH_TIMEOUT = "10 minutes"

/**
 * Partitions the training data for this repeat and spawns a recorder, the teachers and the students on the
 * actor system in context. They live as long as the system's scope.
 */
export const spawnCohort = (options: {
  readonly runId: string
  readonly repeat: number
  readonly seed: number
  readonly scenario: Scenario
  readonly data: TaskData
}) =>
  Effect.gen(function* () {
    const { runId, repeat, seed, scenario, data } = options
    const system = yield* ActorSystem
    const registry = yield* ModelRegistry
    const address = (kind: string, id: string) => ({ run: runId, kind, id })

    const audit: Array<LessonAudit> = []
    const recorder = yield* system.spawn(
      address("coordinator", "recorder"),
      Actor.make(
        RecorderProtocol,
        Effect.succeed({ RecordAudit: ({ records }) => Effect.sync(() => void audit.push(...records)) }),
      ),
    )

    const parts = partitionIid(data.train, {
      parts: scenario.teachers.count,
      seed: deriveSeed(seed, "partition", repeat),
      holdoutFraction: scenario.teachers.holdout,
    })
    const strategy =
      scenario.lessons.strategy === "original-examples"
        ? ({ kind: "original-examples" } as const)
        : ({
            kind: "synthetic-examples",
            nGen: scenario.lessons.nGen,
            temperature: scenario.lessons.temperature,
            samples: scenario.lessons.samples,
            maxTokens: 96,
          } as const)

    const teachers = yield* Effect.forEach(parts, (part, i) =>
      Effect.gen(function* () {
        const id = teacherId(i)
        const model = yield* registry.forAgent(scenario.teachers.model, id)
        // The filter compares against each private example's input: a copy with another label still leaks it.
        const filter = makePrivacyFilter([verbatimDetector(part.train.map((item) => item.input))], {
          verbatim: scenario.privacy.verbatim,
        })
        const ref = yield* system.spawn(
          address("teacher", id),
          teacherActor(
            {
              id,
              task: data.task,
              privateItems: part.train,
              model,
              filter,
              strategy,
              seed: deriveSeed(seed, "teacher", repeat, id),
            },
            recorder,
          ),
        )
        return { id, dataSize: part.train.length, ref }
      }),
    )

    const students = yield* Effect.forEach(Array.from({ length: scenario.students.count }), (_, i) =>
      Effect.gen(function* () {
        const id = studentId(i)
        const model = yield* registry.forAgent(scenario.students.model, id)
        const ref = yield* system.spawn(
          address("student", id),
          studentActor(
            {
              id,
              task: data.task,
              model,
              aggregator: randomAggregator,
              seed: deriveSeed(seed, "student", repeat, id),
            },
            teachers.map((t) => t.ref),
            { teachTimeout: TEACH_TIMEOUT },
          ),
        )
        return { id, ref }
      }),
    )

    return {
      teachers: teachers.map(({ id, dataSize }) => ({ id, dataSize })),
      students,
      takeAudit: () => audit.splice(0, audit.length),
    } satisfies Cohort
  })
