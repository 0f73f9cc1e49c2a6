import type { Hosted } from "@lyceum/coalition"

/**
 * A cohort's agents dealt over `workers` workers one at a time, role by role in the kind's order, the first
 * to worker `start % workers`: each worker's share as role → indexes. Linear in the agents (a share grows in
 * place; copying it for each agent made a deal of a million agents quadratic).
 */
export const dealAgents = (
  agents: Hosted,
  workers: number,
  start: number,
): Array<Map<string, Array<number>>> => {
  const shares = Array.from({ length: workers }, () => new Map<string, Array<number>>())
  let turn = start
  for (const [role, indexes] of Object.entries(agents))
    for (const i of indexes) {
      const share = shares[turn++ % workers]!
      const mine = share.get(role)
      if (mine === undefined) share.set(role, [i])
      else mine.push(i)
    }
  return shares
}

/**
 * What is wrong with a request to host `hosted` of a cohort whose agents are `cohort` (as `kind.hosts` gives
 * them): agents it does not have, and agents named more than once, each as "<role> <index + 1>". Linear in the
 * agents named (sets, not a search of the cohort's list for each).
 */
export const hostingProblems = (
  hosted: Hosted,
  cohort: Hosted,
): { readonly strangers: Array<string>; readonly twice: Array<string> } => {
  const strangers: Array<string> = []
  const twice: Array<string> = []
  for (const [role, indexes] of Object.entries(hosted)) {
    const has = new Set(Object.hasOwn(cohort, role) ? cohort[role] : [])
    const seen = new Set<number>()
    for (const i of indexes) {
      if (!has.has(i)) strangers.push(`${role} ${i + 1}`)
      if (seen.has(i)) twice.push(`${role} ${i + 1}`)
      seen.add(i)
    }
  }
  return { strangers, twice }
}
