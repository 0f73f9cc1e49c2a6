import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AskTimeout, UnknownRecipient } from "@lyceum/actors"
import { agentsOf, cohortName } from "@lyceum/coalition"
import { parseScenario } from "@lyceum/kinds"
import { AgentFailed } from "@lyceum/learning"
import { Store } from "@lyceum/store"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { describeFailure } from "../src/Failure.js"
import { formatProgress, Progress } from "../src/Progress.js"
import { CohortFailed, RunFailed } from "../src/RunError.js"
import { runScenario } from "../src/RunScenario.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-names-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A student's address as `Cohort.ts` makes it: its id, then the cohort key (`r<repeat>-<task>-<method>`). */
const studentAddress = { run: "run-1", kind: "student", id: "student-2--r0-sms-spam-synthetic-examples" }

describe("how messages name cohorts and agents", () => {
  it("names a cohort as the progress line does: task.method, repeat counted from 1", () => {
    expect(cohortName({ repeat: 0, task: "sms-spam", method: "synthetic-examples" })).toBe(
      "sms-spam.synthetic-examples repeat 1",
    )
    const line = formatProgress({
      _tag: "RoundFinished",
      cohort: { repeat: 2, task: "sms-spam", method: "synthetic-examples" },
      round: 1,
      n: 4,
      accuracy: 0.5,
      sent: 1,
      messages: "lessons",
      dropped: 0,
      modelCalls: 1,
      tokens: 1,
      retries: 0,
      timeouts: 0,
      errors: 0,
      done: 1,
      total: 2,
      elapsedMs: 1,
    })
    expect(line).toContain(
      ` ${cohortName({ repeat: 2, task: "sms-spam", method: "synthetic-examples" })} round 1 `,
    )
    expect(line).toContain("sms-spam.synthetic-examples repeat 3 round 1")
  })

  it("names agents by the ids lessons and tables show, with their cohort", () => {
    expect(agentsOf(["teacher-1", "student-2"], { repeat: 1, task: "gsm8k", method: "instruction" })).toBe(
      "teacher-1, student-2 of gsm8k.instruction repeat 2",
    )
  })

  it("names a cohort's agent by its id, not by its actor address", () => {
    const timeout = new AskTimeout({ address: studentAddress, messageId: "m-7", timeoutMillis: 5000 })
    expect(describeFailure(timeout)).toBe("AskTimeout: no reply from student-2 to m-7 within 5000 ms")
    expect(describeFailure(new UnknownRecipient({ address: studentAddress }))).toBe(
      "UnknownRecipient: no actor at student-2",
    )
    // Other actors (a worker, say) have no agent id: their address is what names them.
    const worker = { run: "lyceum", kind: "worker", id: "w1" }
    expect(describeFailure(new UnknownRecipient({ address: worker }))).toBe(
      "UnknownRecipient: no actor at lyceum/worker/w1",
    )
  })

  it("puts the cohort in front of what went wrong in it", () => {
    const failed = new AgentFailed({
      agent: "teacher-2",
      reason: "Unavailable",
      message: "connection refused",
    })
    const error = new CohortFailed({
      cohort: cohortName({ repeat: 1, task: "sms-spam", method: "originals" }),
      cause: failed,
    })
    expect(error.message).toBe(
      "sms-spam.originals repeat 2: teacher-2 failed (Unavailable): connection refused",
    )
  })

  it("prints a resume command that can be pasted, quoting paths that need it", () => {
    const stopped = new RunFailed({
      runId: "r-1",
      db: "/tmp/my runs/l.db",
      scenario: "scenarios/quickstart.yaml",
      status: "stopped",
      reason: "interrupted",
    })
    expect(stopped.resumeCommand).toBe(
      "lyceum run scenarios/quickstart.yaml --db '/tmp/my runs/l.db' --resume r-1",
    )
    expect(stopped.message).toContain(`continue the run with: ${stopped.resumeCommand}`)
    // Any kind's: what is kept are the cohorts' stored steps (social learning's rounds, an ensemble's one step).
    expect(stopped.message).toContain("Every step finished before that is saved in /tmp/my runs/l.db")
  })

  it("says which cohort, repeat and agent failed when a run fails", async () => {
    const text = `
name: down
seed: 3
repeats: 2
rounds: [2]
models:
  sim: { provider: sim }
  down: { provider: openai, baseURL: 'http://127.0.0.1:1/v1', model: m, maxRetries: 0 }
tasks: [{ kind: spam, testSize: 20 }]
teachers: { count: 2, model: sim }
students: { count: 1, model: down }
methods: [{ name: originals, strategy: original-examples, privacy: { verbatim: flag } }]
`
    const error = await Effect.runPromise(
      Effect.flip(
        runScenario({
          loaded: Either.getOrThrow(parseScenario(join(dir, "down.yaml"), text)),
          versions: { lyceum: "test", node: process.version },
        }).pipe(Effect.provide([Store.layer({ filename: join(dir, "down.db") }), Progress.silent])),
      ),
    )
    expect(error).toMatchObject({ _tag: "RunFailed", status: "failed" })
    expect(error.message).toMatch(
      /run down-\S+ failed: sms-spam\.originals repeat 1: student-1 failed \(Unavailable\): /,
    )
    expect(error.message).not.toMatch(/repeat 0|task 0|method 0|--r0-/)
  })
})
