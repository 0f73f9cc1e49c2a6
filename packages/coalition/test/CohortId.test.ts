import type { ActorAddress } from "@lyceum/actors"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { agentAddress, agentOfAddress, meteringLabel, meteringPrefix } from "../src/Addresses.js"
import { agentsOf, CohortId, cohortKey, cohortLabel, cohortName, cohortRowKey } from "../src/index.js"

const id = { repeat: 2, task: "sms-spam", method: "cascade@0.7" }

describe("one cohort, one identity", () => {
  it("writes a cohort down the ways lines, addresses, usage rows and resume need", () => {
    expect(cohortLabel(id)).toBe("sms-spam.cascade@0.7")
    expect(cohortName(id)).toBe("sms-spam.cascade@0.7 repeat 3")
    expect(cohortRowKey(id)).toBe("2/sms-spam/cascade@0.7")
    // Addresses and metering labels only carry [A-Za-z0-9_-].
    expect(cohortKey(id)).toBe("r2-sms-spam-cascade_0_7")
    expect(agentsOf(["proposer-1", "judge"], id)).toBe("proposer-1, judge of sms-spam.cascade@0.7 repeat 3")
    expect(agentsOf([], id)).toBe("no agents of sms-spam.cascade@0.7 repeat 3")
  })

  it("tells cohorts of the same run apart in addresses and usage labels", () => {
    const other = { ...id, repeat: 3 }
    expect(agentAddress("run", id, "proposer", "proposer-1")).not.toEqual(
      agentAddress("run", other, "proposer", "proposer-1"),
    )
    expect(meteringLabel(id, "judge").startsWith(meteringPrefix(id))).toBe(true)
    expect(meteringLabel(other, "judge").startsWith(meteringPrefix(id))).toBe(false)
  })

  it("reads the agent back from an address, and nothing from a coordinator's or a worker's", () => {
    expect(agentOfAddress(agentAddress("run", id, "proposer", "proposer-1"))).toBe("proposer-1")
    expect(agentOfAddress(agentAddress("run", id, "coordinator", "recorder"))).toBeUndefined()
    const worker: ActorAddress = { run: "lyceum-workers", kind: "worker", id: "w1" }
    expect(agentOfAddress(worker)).toBeUndefined()
  })

  it("refuses a negative repeat on the wire", () => {
    expect(() => Schema.decodeUnknownSync(CohortId)({ ...id, repeat: -1 })).toThrow()
    expect(Schema.decodeUnknownSync(CohortId)(id)).toEqual(id)
  })
})
