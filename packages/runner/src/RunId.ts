import { randomBytes } from "node:crypto"

/** Sortable and readable: `quickstart-20261124T220501Z-3fa2`. */
export const makeRunId = (scenarioName: string, now = new Date()): string =>
  `${scenarioName}-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${randomBytes(2).toString("hex")}`
