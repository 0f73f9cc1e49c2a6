import { Actor, type ActorRef } from "@lyceum/actors"
import { agentFailed } from "@lyceum/coalition"
import { Effect } from "effect"
import { RecordAudit, type RecorderProtocol, TeacherProtocol } from "./Protocol.js"
import { makeTeacher, type TeacherSetup } from "./Teacher.js"

/**
 * A teacher as an actor. It answers `Teach` from its private data; every candidate's filter decision goes to
 * the recorder before the lessons go back, so the audit trail is complete for every lesson a student holds.
 * A redelivered request gets the same answer (idempotent); a defect fails the run rather than restarting,
 * because a restarted teacher would not know which lessons it already gave.
 */
export const teacherActor = (setup: TeacherSetup, recorder: ActorRef<typeof RecorderProtocol.Type>) =>
  Actor.make(
    TeacherProtocol,
    Effect.sync(() => {
      const teacher = makeTeacher(setup)
      return {
        Teach: ({ request }: Extract<typeof TeacherProtocol.Type, { _tag: "Teach" }>) =>
          teacher.teach(request).pipe(
            Effect.tap((result) => recorder.ask(new RecordAudit({ records: result.audit }))),
            Effect.map((result) => result.lessons),
            Effect.mapError(agentFailed(setup.id)),
          ),
        Rank: ({ candidates }: Extract<typeof TeacherProtocol.Type, { _tag: "Rank" }>) =>
          teacher.rank(candidates).pipe(Effect.mapError(agentFailed(setup.id))),
      }
    }),
    { idempotent: true, supervision: { maxRestarts: 0 } },
  )
