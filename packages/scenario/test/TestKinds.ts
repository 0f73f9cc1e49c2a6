import { Schema } from "effect"
import { type KindSchema, rawField, rawList, unknownModelRefs } from "../src/BaseChecks.js"
import { AgentCount, Identifier, Limits, ModelRef } from "../src/Scenario.js"

const Role = Schema.Struct({ count: AgentCount, model: ModelRef })

/**
 * A kind for the loader's tests shaped like social learning (rounds, teachers, students, methods), so the
 * tests' scenarios read like real ones without this package depending on @lyceum/learning (which depends on
 * it). Its fields are looser than social learning's: the tests here are about the loader.
 */
export const lessonsKind: KindSchema = {
  name: "lessons",
  fields: {
    rounds: Schema.Array(Schema.Int),
    teachers: Role,
    students: Role,
    methods: Schema.NonEmptyArray(
      Schema.Struct({
        strategy: Schema.String,
        name: Schema.optional(Identifier),
        nGen: Schema.optional(Schema.Int),
      }),
    ),
  },
  crossChecks: (raw) =>
    unknownModelRefs(raw, [
      ["teachers", "model"],
      ["students", "model"],
    ]),
  variantCount: (raw) => {
    const count = rawList(rawField(raw, "methods")).length
    return count <= Limits.methods ? { label: "methods", count } : undefined
  },
}

/** A second kind: players, each with a model; no variants (no cohort limit of its own). */
export const playersKind: KindSchema = {
  name: "players",
  fields: { players: Schema.NonEmptyArray(Schema.Struct({ model: ModelRef })) },
  crossChecks: (raw) =>
    unknownModelRefs(
      raw,
      rawList(rawField(raw, "players")).map((_, i) => ["players", i, "model"]),
    ),
}

export const testKinds = [lessonsKind, playersKind]

/** A valid scenario of the `lessons` test kind (social learning's shape), for tests to break line by line. */
export const tinyLessons = `name: tiny
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks: [{ kind: spam }]
teachers: { count: 2, model: sim }
students: { count: 1, model: sim }
methods: [{ strategy: synthetic-examples }]
`
