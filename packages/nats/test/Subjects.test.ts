import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as Subjects from "../src/Subjects.js"

const right = <A, E>(e: Either.Either<A, E>): A => Either.getOrThrowWith(e, (error) => error)
const left = <A, E>(e: Either.Either<A, E>): E =>
  Either.match(e, { onLeft: (error) => error, onRight: (a) => expect.fail(`expected an error, got ${a}`) })

describe("Subjects", () => {
  it("names actors, runs, kinds, dead letters and streams", () => {
    expect(right(Subjects.forActor("run-1", "student", "s_7"))).toBe("lyceum.run-1.student.s_7")
    expect(right(Subjects.forRun("run-1"))).toBe("lyceum.run-1.>")
    expect(right(Subjects.forKind("run-1", "teacher"))).toBe("lyceum.run-1.teacher.*")
    expect(right(Subjects.deadLetter("run-1"))).toBe("lyceum.run-1.dead-letter")
    expect(right(Subjects.streamName("run-1"))).toBe("LYCEUM_run-1")
  })

  it("parses an actor subject back, and nothing else", () => {
    const subject = right(Subjects.forActor("r", "evaluator", "e1"))
    expect(right(Subjects.parse(subject))).toEqual({ run: "r", kind: "evaluator", id: "e1" })
    expect(Either.isLeft(Subjects.parse(right(Subjects.deadLetter("r"))))).toBe(true)
    expect(Either.isLeft(Subjects.parse("other.r.kind.id"))).toBe(true)
    expect(Either.isLeft(Subjects.parse("lyceum.r..id"))).toBe(true)
  })

  it.each([
    ["run", "a.b", '"."'],
    ["run", "a b", "whitespace"],
    ["kind", "*", "wildcard"],
    ["id", "x>", "wildcard"],
    ["id", "x/y", '"/"'],
    ["id", "", "empty"],
  ] as const)("rejects %s %j, saying why", (part, value, why) => {
    const args: [string, string, string] = ["r", "k", "i"]
    args[part === "run" ? 0 : part === "kind" ? 1 : 2] = value
    const error = left(Subjects.forActor(...args))
    expect(error).toMatchObject({ _tag: "InvalidSubjectToken", part, value })
    expect(error.message).toContain(why)
    expect(error.message).toContain(part)
  })

  it("rejects a bad run in every run-level name", () => {
    for (const name of [Subjects.forRun, Subjects.deadLetter, Subjects.streamName]) {
      expect(left(name("a.b"))._tag).toBe("InvalidSubjectToken")
    }
  })
})
