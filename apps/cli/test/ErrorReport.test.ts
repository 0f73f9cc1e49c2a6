import { RunFailed } from "@lyceum/runner"
import { Cause, Data, FiberId } from "effect"
import { describe, expect, it } from "vitest"
import { formatFailure } from "../src/ErrorReport.js"

class Boom extends Data.TaggedError("Boom")<{ readonly message: string }> {}

describe("formatFailure", () => {
  it("prints a failure's own message as one paragraph", () => {
    expect(formatFailure(Cause.fail(new Boom({ message: "the endpoint is down" })), false)).toBe(
      "error: the endpoint is down",
    )
  })

  it("calls a defect a bug and hides its stack unless verbose", () => {
    const defect = Cause.die(new Error("undefined is not a function"))
    const short = formatFailure(defect, false)
    expect(short).toContain("internal error: undefined is not a function")
    expect(short).toContain("--verbose")
    expect(short).not.toMatch(/\n\s+at /)
    expect(formatFailure(defect, true)).toMatch(/\n\s+at /)
  })

  it("prints a stopped run as it is, not as an error, with the command that resumes it", () => {
    const stopped = new RunFailed({
      runId: "r-1",
      db: "runs.db",
      scenario: "scenarios/quickstart.yaml",
      status: "stopped",
      reason: "interrupted",
    })
    expect(formatFailure(Cause.fail(stopped), false)).toMatch(
      /^run r-1 stopped: interrupted\. .*continue the run with: lyceum run scenarios\/quickstart\.yaml --db runs\.db --resume r-1$/,
    )
    expect(formatFailure(Cause.fail(new RunFailed({ ...stopped, status: "failed" })), false)).toMatch(
      /^error: run r-1 failed: /,
    )
  })

  it("names an interruption", () => {
    expect(formatFailure(Cause.interrupt(FiberId.none), false)).toBe("interrupted")
  })
})
