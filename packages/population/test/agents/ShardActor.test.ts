import { type ActorRef, ActorSystem, LocalTransport } from "@lyceum/actors"
import { makeZeroModel } from "@lyceum/models"
import { Effect, Exit, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { holdingsOf } from "../../src/agents/Holdings.js"
import { Evaluate, Learn, ScoreCanary, ShardProtocol, Stats, Teach } from "../../src/agents/Protocol.js"
import { shardActor } from "../../src/agents/ShardActor.js"
import { scenarioOf, taskDataOf } from "./support.js"

/** Shard 1 (agents 5..9) of a 10-agent population, as an actor on a real (local) actor system. */
type ShardRef = ActorRef<typeof ShardProtocol.Type>
const withShard = <A>(body: (ref: ShardRef) => Effect.Effect<A, unknown>) => {
  const scenario = scenarioOf()
  const data = taskDataOf(scenario)
  const method = scenario.methods[0]!
  const id = { repeat: 0, task: data.task.name, method: "filter-on" }
  const address = { run: "run", kind: "shard", id: "shard-1--test" }
  const program = Effect.gen(function* () {
    const system = yield* ActorSystem
    yield* system.spawn(
      address,
      shardActor(
        {
          scenario,
          task: data.task,
          seed: scenario.seed,
          id,
          method,
          privacy: method.privacy ?? scenario.privacy,
          keepDroppedText: false,
          holdings: holdingsOf({ scenario, data, seed: scenario.seed, id }),
          first: 5,
          size: 5,
          model: makeZeroModel({ name: "zero" }),
        },
        "shard-1",
      ),
    )
    return yield* body(system.refFor(address, ShardProtocol))
  })
  return Effect.runPromise(
    Effect.scoped(
      program.pipe(Effect.provide(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer())))),
    ),
  )
}

const refused = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) ? JSON.stringify(exit.cause) : "succeeded"

describe("a shard actor refuses requests naming agents it does not hold", () => {
  it("forged Learn, Teach, Evaluate and ScoreCanary fail with BadRequest naming the shard; its agents are untouched", async () => {
    const result = await withShard((ref) =>
      Effect.gen(function* () {
        const before = yield* ref.ask(new Stats())
        const learnForeign = yield* Effect.exit(
          ref.ask(new Learn({ round: 1, chunk: 0, learners: [5, 2], texts: ["a", "b"], scores: [0, 0] })),
        )
        const learnRagged = yield* Effect.exit(
          ref.ask(new Learn({ round: 1, chunk: 1, learners: [5, 6], texts: ["a"], scores: [0, 0] })),
        )
        const teachForeign = yield* Effect.exit(
          ref.ask(new Teach({ round: 1, teachers: [0], learners: [5], details: [] })),
        )
        const teachDetail = yield* Effect.exit(
          ref.ask(new Teach({ round: 1, teachers: [5], learners: [6], details: [3] })),
        )
        const evaluate = yield* Effect.exit(ref.ask(new Evaluate({ agents: [10], items: [] })))
        const canary = yield* Effect.exit(ref.ask(new ScoreCanary({ agents: [-1] })))
        const after = yield* ref.ask(new Stats())
        // A proper request still works afterwards.
        yield* ref.ask(new Learn({ round: 1, chunk: 2, learners: [7], texts: ["a lesson"], scores: [0] }))
        const learned = yield* ref.ask(new Stats())
        return {
          before,
          after,
          learned,
          exits: [learnForeign, learnRagged, teachForeign, teachDetail, evaluate, canary],
        }
      }),
    )
    for (const exit of result.exits) {
      expect(refused(exit)).toContain("BadRequest")
      expect(refused(exit)).toContain("shard-1 (agents 5..9)")
    }
    expect(refused(result.exits[0]!)).toContain("learner 2 is not in 5..9")
    expect(refused(result.exits[1]!)).toContain("differ in length")
    expect(result.after).toEqual(result.before)
    expect(result.learned.memory).toEqual([0, 0, 1, 0, 0])
  })
})
