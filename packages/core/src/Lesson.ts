import { Schema } from "effect"
import { AgentId } from "./Ids.js"

export const LessonKind = Schema.Literal("original-example", "synthetic-example", "instruction")
export type LessonKind = typeof LessonKind.Type

/** What a student asks every one of its teachers, identically (the protocol allows no per-teacher queries). */
export class LessonRequest extends Schema.Class<LessonRequest>("LessonRequest")({
  /** Which (task, method) experiment of the run the request belongs to; part of every lesson id. */
  cohort: Schema.String,
  student: AgentId,
  repeat: Schema.Int,
  round: Schema.Int,
  /** How many lesson candidates the student would like from each teacher. */
  count: Schema.Int.pipe(Schema.positive()),
}) {}

/** A piece of natural-language teaching that has passed its teacher's privacy filter. */
export class Lesson extends Schema.Class<Lesson>("Lesson")({
  /** Unique within a run; a student applies a lesson id once. */
  id: Schema.String,
  teacher: AgentId,
  student: AgentId,
  repeat: Schema.Int,
  round: Schema.Int,
  kind: LessonKind,
  text: Schema.String,
}) {}
