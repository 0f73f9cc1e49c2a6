import { Actor, type ActorRef } from "@lyceum/actors"
import { AGENT_CONCURRENCY, AgentFailed, agentFailed } from "@lyceum/coalition"
import { LessonRequest } from "@lyceum/core"
import { type Duration, Effect } from "effect"
import { type AggregatorKind, chooseByVotes, chooseRandom } from "./Aggregator.js"
import { Rank, StudentProtocol, Teach, type TeacherProtocol } from "./Protocol.js"
import { makeStudent, type StudentSetup } from "./Student.js"

/** How a student learns, by method (social-learning.md §1). */
export type StudentPlan =
  /** Zero-shot, or a manual instruction given in the scenario: no teacher is asked. */
  | { readonly kind: "no-teachers" }
  /** Examples: ask teachers, aggregate their candidates, add up to the round's prompt size. */
  | {
      readonly kind: "examples"
      readonly aggregator: AggregatorKind
      /** Candidates each teacher returns, or "missing": the prompt's shortfall, shared among the teachers. */
      readonly perTeacher: number | "missing"
      /** The paper's original-examples baseline and instructions come from a single teacher. */
      readonly teachers: "all" | "first"
    }
  /** One teacher writes an instruction; it becomes the student's whole prompt. */
  | { readonly kind: "instruction" }

type Learn = Extract<typeof StudentProtocol.Type, { _tag: "Learn" }>
type Evaluate = Extract<typeof StudentProtocol.Type, { _tag: "Evaluate" }>

/**
 * A student as an actor. `Learn` sends the identical request to its teachers at once (never one after the
 * other: asks are latency-bound), aggregates and extends its prompt; `Evaluate` answers test items.
 */
export const studentActor = (
  setup: StudentSetup & {
    readonly cohort: string
    readonly plan: StudentPlan
    /** The cohort's canary texts (canary first) when it measures one: what `ScoreCanary` scores. */
    readonly canaryTexts?: ReadonlyArray<string> | undefined
  },
  teachers: ReadonlyArray<ActorRef<typeof TeacherProtocol.Type>>,
  options: { readonly teachTimeout: Duration.DurationInput },
) =>
  Actor.make(
    StudentProtocol,
    Effect.sync(() => {
      const student = makeStudent(setup)
      const { plan } = setup

      const learn = ({ repeat, round, size }: Learn) =>
        Effect.gen(function* () {
          if (plan.kind === "no-teachers") {
            student.receiveManualInstruction()
            return []
          }
          const missing = Math.max(0, size - student.lessons().length)
          const asked =
            plan.kind === "instruction" || plan.teachers === "first" ? teachers.slice(0, 1) : teachers
          // "missing" is spread over the teachers asked: each gives its share, rounded up.
          const count =
            plan.kind === "instruction"
              ? 1
              : plan.perTeacher === "missing"
                ? Math.ceil(missing / asked.length)
                : plan.perTeacher
          if (plan.kind === "examples" && missing === 0) return []
          const request = new LessonRequest({ cohort: setup.cohort, student: setup.id, repeat, round, count })
          const replies = yield* Effect.forEach(
            asked,
            (teacher) => teacher.ask(new Teach({ request }), { timeout: options.teachTimeout }),
            { concurrency: AGENT_CONCURRENCY },
          )
          const candidates = student.fresh(replies.flat())
          if (plan.kind === "instruction") return student.apply(candidates.slice(0, 1))
          const rng = student.rngFor(round)
          if (plan.aggregator === "random") return student.apply(chooseRandom(candidates, missing, rng))
          const rankings = yield* Effect.forEach(
            teachers,
            (teacher) => teacher.ask(new Rank({ candidates }), { timeout: options.teachTimeout }),
            { concurrency: AGENT_CONCURRENCY },
          )
          return student.apply(chooseByVotes(candidates, rankings, missing, rng))
        }).pipe(Effect.mapError(agentFailed(setup.id)))

      return {
        Learn: learn,
        ScoreCanary: () =>
          setup.canaryTexts === undefined
            ? Effect.fail(
                new AgentFailed({
                  agent: setup.id,
                  reason: "NoCanary",
                  message: `${setup.id} of ${setup.cohort} was asked to score a canary, but its cohort has none`,
                }),
              )
            : student.scoreTexts(setup.canaryTexts).pipe(Effect.mapError(agentFailed(setup.id))),
        Evaluate: ({ items }: Evaluate) =>
          Effect.suspend(() => {
            const context = student.context()
            return student.evaluate(items).pipe(
              Effect.map((results) => ({ promptLessons: student.promptLessons(), context, results })),
              Effect.mapError(agentFailed(setup.id)),
            )
          }),
      }
    }),
    { supervision: { maxRestarts: 0 } },
  )
