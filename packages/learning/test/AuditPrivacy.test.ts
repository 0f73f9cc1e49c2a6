import { type AgentId, LessonRequest } from "@lyceum/core"
import { makeSimModel } from "@lyceum/models"
import { canaryTemplate, defaultPolicy, makeFilter, renderCanary, smuggles } from "@lyceum/privacy"
import { builtinSpamItems, makeSpamTask, splitSpam } from "@lyceum/tasks"
import { Effect, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { RecordAudit } from "../src/Protocol.js"
import { makeTeacher, type TeachResult } from "../src/Teacher.js"

/**
 * What a teacher's audit record carries out of the teacher (to the coordinator's recorder, over NATS when the
 * recorder is elsewhere, into SQLite): by default only what the filter let out.
 */
const task = makeSpamTask()
const split = Effect.runSync(splitSpam(builtinSpamItems(), { testSize: 20, seed: 2 }))
const secret = "4821"
const carrier = task.toItem({
  id: "canary",
  text: renderCanary(canaryTemplate("spam-code")!, secret),
  label: "not spam",
})
const privateItems = [...split.train.slice(0, 15).map(task.toItem), carrier]
const request = new LessonRequest({
  cohort: "spam.adv",
  student: "student-1" as AgentId,
  repeat: 0,
  round: 1,
  count: 4,
})

/** An adversarial teacher whose smuggling attempts (base64, spaced) its filter drops or redacts. */
const teach = (keepDroppedText: boolean | undefined, secrets: "drop" | "redact"): TeachResult =>
  Effect.runSync(
    makeTeacher({
      id: "teacher-1" as AgentId,
      task,
      privateItems,
      heldOut: [],
      model: makeSimModel({ name: "sim", seed: 3 }),
      filter: makeFilter(
        { secrets: [secret], privateTexts: privateItems.map((i) => i.input), overlapWords: false },
        { ...defaultPolicy, secret: secrets, session: secrets, verbatim: "drop" },
        { auditKey: "test-key" },
      ),
      strategy: {
        kind: "synthetic-examples",
        nGen: 8,
        temperature: 0.8,
        samples: 6,
        maxTokens: 96,
        rankBy: "auto",
        adversary: {
          secret,
          carrier,
          smuggles: [smuggles.base64!, smuggles.spaced!],
          split: 0,
        },
      },
      seed: 5,
      ...(keepDroppedText !== undefined && { keepDroppedText }),
    }).teach(request),
  )

/** The record exactly as it crosses a process boundary. */
const wire = (result: TeachResult) =>
  JSON.stringify(Schema.encodeSync(RecordAudit)(new RecordAudit({ records: result.audit })))

describe("a teacher's audit record", () => {
  const kept = teach(true, "drop")
  const dropped = kept.audit.filter((a) => a.decision.action === "drop")

  it("carries no dropped text by default: the text is empty, the findings say who objected where", () => {
    expect(dropped.filter((a) => a.smuggle !== undefined).length).toBeGreaterThanOrEqual(2)
    const result = teach(undefined, "drop")
    const payload = wire(result)
    for (const a of dropped) {
      expect(a.lesson.text.length).toBeGreaterThan(0)
      expect(payload).not.toContain(JSON.stringify(a.lesson.text).slice(1, -1))
      const record = result.audit.find((r) => r.lesson.id === a.lesson.id)!
      expect(record.lesson.text).toBe("")
      // A malformed sample is discarded before the filter, so only the filter's drops have findings.
      if (record.decision.detector === "malformed") continue
      expect(record.decision.findings!.length).toBeGreaterThan(0)
      for (const f of record.decision.findings!) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(dropped.filter((a) => a.decision.detector === "secret").length).toBeGreaterThanOrEqual(2)
    // What the filter let out is still there, as the student got it.
    for (const lesson of result.lessons)
      expect(result.audit.find((r) => r.lesson.id === lesson.id)!.lesson.text).toBe(lesson.text)
  })

  it("carries the dropped text as written when the scenario keeps it (privacy.keepDroppedText)", () => {
    const payload = wire(kept)
    for (const a of dropped) expect(payload).toContain(JSON.stringify(a.lesson.text).slice(1, -1))
  })

  it("carries a redacted candidate as redacted by default, as written with the opt-in", () => {
    const redacted = teach(false, "redact").audit.filter((a) => a.decision.action === "redact")
    const asWritten = teach(true, "redact").audit
    expect(redacted.length).toBeGreaterThan(0)
    for (const a of redacted) {
      const written = asWritten.find((r) => r.lesson.id === a.lesson.id)!.lesson.text
      expect(a.lesson.text).toContain("[redacted")
      // Every span the filter redacted is in the text as written, and not in what the record carries.
      for (const f of a.decision.findings!.filter((f) => f.action === "redact")) {
        const span = written.slice(f.start, f.end)
        expect(span.length).toBeGreaterThan(0)
        expect(a.lesson.text).not.toContain(span)
      }
    }
  })

  it("measures the same whether or not the text is kept: decisions, leakage, smuggling, what was sent", () => {
    const strip = (result: TeachResult) =>
      result.audit.map(({ lesson, ...rest }) => ({ id: lesson.id, ...rest }))
    expect(strip(teach(false, "drop"))).toEqual(strip(kept))
    expect(teach(false, "drop").lessons).toEqual(kept.lessons)
  })
})
