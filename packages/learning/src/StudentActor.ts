import { Actor, type ActorRef } from "@lyceum/actors"
import { LessonRequest } from "@lyceum/core"
import { type Duration, Effect } from "effect"
import { StudentProtocol, Teach, type TeacherProtocol } from "./Protocol.js"
import { makeStudent, type StudentSetup } from "./Student.js"
import { agentFailed } from "./TeacherActor.js"

/**
 * A student as an actor. `Learn` sends the identical request to every teacher at once (never one after the
 * other: asks are latency-bound), aggregates the lessons and extends its prompt; `Evaluate` answers test items.
 */
export const studentActor = (
  setup: StudentSetup,
  teachers: ReadonlyArray<ActorRef<typeof TeacherProtocol.Type>>,
  options: { readonly teachTimeout: Duration.DurationInput },
) =>
  Actor.make(
    StudentProtocol,
    Effect.sync(() => {
      const student = makeStudent(setup)
      return {
        Learn: ({
          repeat,
          round,
          count,
          perTeacher,
        }: Extract<typeof StudentProtocol.Type, { _tag: "Learn" }>) => {
          const request = new LessonRequest({ student: setup.id, repeat, round, count: perTeacher })
          return Effect.forEach(
            teachers,
            (teacher) => teacher.ask(new Teach({ request }), { timeout: options.teachTimeout }),
            {
              concurrency: "unbounded",
            },
          ).pipe(
            Effect.map((replies) => student.learn(round, replies.flat(), count)),
            Effect.mapError(agentFailed(setup.id)),
          )
        },
        Evaluate: ({ items }: Extract<typeof StudentProtocol.Type, { _tag: "Evaluate" }>) =>
          student.evaluate(items).pipe(Effect.mapError(agentFailed(setup.id))),
      }
    }),
    { supervision: { maxRestarts: 0 } },
  )
