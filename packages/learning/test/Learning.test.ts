import { type AgentId, Lesson, LessonRequest, makeRng } from "@lyceum/core"
import { makeSimModel } from "@lyceum/models"
import { makePrivacyFilter, verbatimDetector } from "@lyceum/privacy"
import { builtinSpamItems, makeSpamTask, splitSpam } from "@lyceum/tasks"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { chooseByVotes, chooseRandom } from "../src/Aggregator.js"
import { makeStudent } from "../src/Student.js"
import { makeTeacher, type TeacherSetup } from "../src/Teacher.js"

const task = makeSpamTask()
const split = Effect.runSync(splitSpam(builtinSpamItems(), { testSize: 60, seed: 1 }))
const train = split.train.map(task.toItem)
const test = split.test.map(task.toItem)
const privateItems = train.slice(0, 40)
const model = makeSimModel({ name: "sim", seed: 5 })
const request = new LessonRequest({
  cohort: "spam.g",
  student: "student-1" as AgentId,
  repeat: 0,
  round: 1,
  count: 3,
})

const teacherSetup = (overrides: Partial<TeacherSetup> = {}): TeacherSetup => ({
  id: "teacher-1" as AgentId,
  task,
  privateItems,
  heldOut: train.slice(40, 48),
  model,
  filter: makePrivacyFilter([verbatimDetector(privateItems.map((i) => i.input))], { verbatim: "drop" }),
  strategy: {
    kind: "synthetic-examples",
    nGen: 8,
    temperature: 0.8,
    samples: 8,
    maxTokens: 96,
    rankBy: "auto",
  },
  seed: 11,
  ...overrides,
})

describe("teacher", () => {
  it("writes well-formed synthetic examples, none a verbatim copy, with an audit of every candidate", () => {
    const result = Effect.runSync(makeTeacher(teacherSetup()).teach(request))
    expect(result.lessons.length).toBeGreaterThan(0)
    expect(result.lessons.length).toBeLessThanOrEqual(3)
    expect(result.audit).toHaveLength(8)
    const privateInputs = new Set(privateItems.map((i) => i.input))
    for (const lesson of result.lessons) {
      expect(lesson.kind).toBe("synthetic-example")
      const parsed = task.parse(lesson.text)
      expect(parsed).toBeDefined()
      expect(privateInputs.has(parsed!.input)).toBe(false)
    }
    const sent = new Set(result.lessons.map((l) => l.id))
    expect(
      result.audit
        .filter((a) => a.sent)
        .map((a) => a.lesson.id)
        .sort(),
    ).toEqual([...sent].sort())
    for (const { lesson, decision } of result.audit) {
      if (sent.has(lesson.id)) expect(decision.action).toBe("allow")
    }
  })

  it("is deterministic for its seed and varies with it", () => {
    const a = Effect.runSync(makeTeacher(teacherSetup()).teach(request))
    const b = Effect.runSync(makeTeacher(teacherSetup()).teach(request))
    const c = Effect.runSync(makeTeacher(teacherSetup({ seed: 12 })).teach(request))
    expect(b.audit.map((x) => x.lesson.text)).toEqual(a.audit.map((x) => x.lesson.text))
    expect(c.audit.map((x) => x.lesson.text)).not.toEqual(a.audit.map((x) => x.lesson.text))
  })

  it("drops verbatim copies: with original examples under a dropping filter nothing leaves", () => {
    const result = Effect.runSync(
      makeTeacher(teacherSetup({ strategy: { kind: "original-examples" } })).teach(request),
    )
    expect(result.lessons).toEqual([])
    expect(result.audit.map((a) => a.decision)).toEqual(
      Array(3).fill(expect.objectContaining({ action: "drop", detector: "verbatim" })),
    )
  })

  it("shares original examples, flagged, when the policy allows the non-private baseline", () => {
    const filter = makePrivacyFilter([verbatimDetector(privateItems.map((i) => i.input))], {
      verbatim: "flag",
    })
    const result = Effect.runSync(
      makeTeacher(teacherSetup({ filter, strategy: { kind: "original-examples" } })).teach(request),
    )
    expect(result.lessons).toHaveLength(3)
    expect(result.audit.every((a) => a.decision.action === "flag")).toBe(true)
    for (const lesson of result.lessons) expect(privateItems.map(task.render)).toContain(lesson.text)
  })
})

describe("student", () => {
  const lesson = (i: number, text: string) =>
    new Lesson({
      id: `t/s/0/1/${i}`,
      teacher: "teacher-1" as AgentId,
      student: "student-1" as AgentId,
      repeat: 0,
      round: 1,
      kind: "original-example",
      text,
    })
  const student = () => makeStudent({ id: "student-1" as AgentId, task, model, seed: 3 })

  it("learns in context: original examples raise accuracy over zero-shot", () => {
    const s = student()
    const accuracy = () => {
      const results = Effect.runSync(s.evaluate(test))
      return results.filter((r) => r.correct).length / results.length
    }
    const before = accuracy()
    s.apply(train.slice(0, 8).map((item, i) => lesson(i, task.render(item))))
    expect(accuracy()).toBeGreaterThan(before + 0.3)
  })

  it("applies a lesson id once, however often it is delivered", () => {
    const s = student()
    s.apply(s.fresh([lesson(0, "Text: a\nClass: spam")]))
    const again = s.fresh([lesson(0, "Text: a\nClass: spam"), lesson(1, "Text: b\nClass: not spam")])
    expect(again.map((l) => l.id)).toEqual(["t/s/0/1/1"])
    s.apply(again)
    expect(s.lessons()).toHaveLength(2)
  })

  it("uses one instruction as its whole prompt, and a manual instruction only once it is given", () => {
    const s = student()
    s.apply([lesson(0, "Text: a\nClass: spam")])
    s.apply([new Lesson({ ...lesson(1, "Say spam when a prize is offered."), kind: "instruction" })])
    expect(s.context()).toBe("Say spam when a prize is offered.")
    const manual = makeStudent({
      id: "s" as AgentId,
      task,
      model,
      seed: 1,
      manualInstruction: "Label prizes spam.",
    })
    expect(manual.context()).toBe("")
    manual.receiveManualInstruction()
    expect(manual.context()).toBe("Label prizes spam.")
  })
})

describe("aggregators", () => {
  const candidates = Array.from(
    { length: 10 },
    (_, i) =>
      new Lesson({
        id: String(i),
        teacher: "t" as AgentId,
        student: "s" as AgentId,
        repeat: 0,
        round: 1,
        kind: "synthetic-example",
        text: String(i),
      }),
  )

  it("random: chooses distinct candidates, at most count, reproducibly", () => {
    const chosen = chooseRandom(candidates, 4, makeRng(1))
    expect(new Set(chosen.map((c) => c.id)).size).toBe(4)
    expect(chooseRandom(candidates, 4, makeRng(1))).toEqual(chosen)
    expect(chooseRandom(candidates.slice(0, 2), 4, makeRng(1))).toHaveLength(2)
  })

  it("voting: each teacher votes for its best remaining candidate, most votes win, round after round", () => {
    // Teachers A, B, C rank candidates 0..3. Round 1: votes 1 (A, B) vs 2 (C) → 1. Round 2: A and B move
    // on to their next (2 and 0), C still votes 2 → 2 wins with two votes. "3" is ranked by nobody first.
    const rankings = [
      ["1", "2", "0", "3"],
      ["1", "0", "2", "3"],
      ["2", "1", "0", "3"],
    ]
    expect(chooseByVotes(candidates, rankings, 2, makeRng(1)).map((c) => c.id)).toEqual(["1", "2"])
    expect(chooseByVotes(candidates, [], 2, makeRng(1))).toEqual([])
  })
})

describe("instruction teacher", () => {
  it("writes one instruction from its private examples, through the filter", () => {
    const result = Effect.runSync(
      makeTeacher(
        teacherSetup({ strategy: { kind: "instruction", examples: 8, temperature: 0.7, maxTokens: 80 } }),
      ).teach(request),
    )
    expect(result.audit).toHaveLength(1)
    expect(result.audit[0]!.lesson.kind).toBe("instruction")
    expect(result.lessons.length).toBe(result.audit[0]!.decision.action === "drop" ? 0 : 1)
  })

  it("ranks candidates by its held-out data, most likely first", () => {
    const teacher = makeTeacher(teacherSetup())
    const lessonOf = (id: string, text: string) =>
      new Lesson({
        id,
        teacher: "teacher-2" as AgentId,
        student: "student-1" as AgentId,
        repeat: 0,
        round: 1,
        kind: "synthetic-example",
        text,
      })
    const ranking = Effect.runSync(
      teacher.rank([lessonOf("noise", "zq xv wp"), lessonOf("example", task.render(train[50]!))]),
    )
    expect(ranking).toEqual(["example", "noise"])
  })
})
