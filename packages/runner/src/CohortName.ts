import type { ActorAddress } from "@lyceum/actors"

/**
 * How every line names a cohort, the way the progress line does: `<task>.<method> repeat R`, R counted from 1
 * (`sms-spam.synthetic-examples repeat 1`). `label` is the cohort's `<task>.<method>` (`Cohort.label`).
 */
export const cohortName = (label: string, repeat: number): string => `${label} repeat ${repeat + 1}`

/** Some of a cohort's agents by the ids lessons and tables show: `teacher-1, student-2 of <cohort>`. */
export const agentsOf = (agents: ReadonlyArray<string>, label: string, repeat: number): string =>
  `${agents.length === 0 ? "no agents" : agents.join(", ")} of ${cohortName(label, repeat)}`

/**
 * The agent id of a cohort agent's actor address (`student-1--r0-sms-spam-...`, see `Cohort.ts`), or undefined
 * for any other actor: the address carries the cohort's key, which messages name as `cohortName` instead.
 */
export const agentOfAddress = (address: ActorAddress): string | undefined => {
  const cut = address.id.indexOf("--")
  return cut > 0 && (address.kind === "teacher" || address.kind === "student")
    ? address.id.slice(0, cut)
    : undefined
}
