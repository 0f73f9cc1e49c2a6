import { Actor, type ActorRef } from "@lyceum/actors"
import { Effect } from "effect"
import { AgentFailed, RecordAudit, type RecorderProtocol, TeacherProtocol } from "./Protocol.js"
import { makeTeacher, type TeacherSetup } from "./Teacher.js"

/** Turns any tagged failure into the protocol's `AgentFailed`, naming the agent. */
export const agentFailed =
  (agent: string) =>
  (error: { readonly _tag: string; readonly message: string }): AgentFailed =>
    error instanceof AgentFailed
      ? error
      : new AgentFailed({ agent, reason: error._tag, message: error.message })

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
