import type { ActorAddress } from "@lyceum/actors"
import { type CohortId, cohortKey } from "./CohortId.js"

/**
 * An agent's address: its role as the address kind, its id then the cohort key (`student-1--r0-spam-vote`),
 * so a message reaches the same agent whichever process hosts it, and cohorts played at once never meet.
 */
export const agentAddress = (runId: string, cohort: CohortId, role: string, id: string): ActorAddress => ({
  run: runId,
  kind: role,
  id: `${id}--${cohortKey(cohort)}`,
})

/** A cohort's addresses: `(role, id)` → `agentAddress` in the cohort's run. */
export const cohortAddresses =
  (cohort: { readonly runId: string; readonly id: CohortId }) =>
  (role: string, id: string): ActorAddress =>
    agentAddress(cohort.runId, cohort.id, role, id)

/** The coordinator's own actors of a cohort (recorders) live under this address kind. */
export const COORDINATOR = "coordinator"

/**
 * The agent id of a cohort agent's address (`agentAddress`), or undefined for any other actor (workers,
 * coordinators): messages name the agent, and the cohort by `cohortName`.
 */
export const agentOfAddress = (address: ActorAddress): string | undefined => {
  const cut = address.id.indexOf("--")
  return cut > 0 && address.kind !== COORDINATOR ? address.id.slice(0, cut) : undefined
}

/** The model-usage label of a cohort's agent: `<cohort key>/<agent id>`; usage rows are split by it. */
export const meteringLabel = (cohort: CohortId, agent: string): string => `${cohortKey(cohort)}/${agent}`

/** The prefix every metering label of a cohort starts with. */
export const meteringPrefix = (cohort: CohortId): string => meteringLabel(cohort, "")
