import type { KindReport } from "@lyceum/report"
import { Option, Schema } from "effect"
import { makePopulationReport } from "./Report.js"

export * from "./DiffusionTable.js"
export * from "./HopsTable.js"
export * from "./Report.js"
export * from "./Rows.js"
export * from "./RunOrder.js"

/**
 * Only what a label is made of (as `methodLabel` of the config: the name, else the strategy): a stored config
 * is the decoded scenario, which its own Schema need not decode again (privacy is a transformation), and a
 * run of another version still keeps its order.
 */
const StoredMethods = Schema.Struct({
  methods: Schema.Array(Schema.Struct({ name: Schema.optional(Schema.String), strategy: Schema.String })),
})

/** The method labels of a run's stored scenario, in its order; none when it cannot be read as one. */
export const populationMethodsOf = (config: unknown): ReadonlyArray<string> =>
  Option.match(Schema.decodeUnknownOption(StoredMethods)(config), {
    onNone: () => [],
    onSome: (stored) => stored.methods.map((m) => m.name ?? m.strategy),
  })

/** The population kind's report, its tables in the scenario's order of methods. */
export const populationReport: KindReport = makePopulationReport(populationMethodsOf)
