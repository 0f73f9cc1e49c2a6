import { Actor } from "@lyceum/actors"
import { AgentFailed, agentFailed } from "@lyceum/coalition"
import { Effect } from "effect"
import { ShardProtocol } from "./Protocol.js"
import { makeShard, type ShardSetup } from "./Shard.js"

/**
 * A shard of a population as one actor: one mailbox and fiber for `shardSize` agents, whose state lives in
 * the shard's typed arrays. A redelivered request is answered once (idempotent); a defect fails the run rather
 * than restarting, because a restarted shard would have forgotten what its agents learned.
 */
export const shardActor = (setup: ShardSetup, name: string) =>
  Actor.make(
    ShardProtocol,
    Effect.sync(() => {
      const shard = makeShard(setup)
      const failed = agentFailed(name)
      const { first, size } = setup
      const population = setup.scenario.agents
      // A well-formed message can still name agents this shard does not hold (a forged or misrouted one):
      // refused whole, before anything is written or learned, so the shard's arrays are never indexed outside.
      const refuse = (message: string) =>
        Effect.fail(
          new AgentFailed({
            agent: name,
            reason: "BadRequest",
            message: `${name} (agents ${first}..${first + size - 1}) refused a request: ${message}`,
          }),
        )
      const outside = (what: string, agents: ReadonlyArray<number>, lo: number, hi: number) => {
        const bad = agents.find((a) => !(a >= lo && a < hi))
        return bad === undefined ? undefined : `${what} ${bad} is not in ${lo}..${hi - 1}`
      }
      const lengths = (what: string, ...lists: ReadonlyArray<ReadonlyArray<unknown>>) =>
        lists.every((l) => l.length === lists[0]!.length) ? undefined : `${what} lists differ in length`
      return {
        Teach: ({ round, teachers, learners, details }) => {
          const problem =
            lengths("teachers and learners", teachers, learners) ??
            outside("teacher", teachers, first, first + size) ??
            outside("learner", learners, 0, population) ??
            outside("detail position", details, 0, teachers.length)
          return problem !== undefined
            ? refuse(problem)
            : shard.teach(round, teachers, learners, details).pipe(Effect.mapError(failed))
        },
        Learn: ({ round, chunk, learners, texts, scores }) => {
          const problem =
            lengths("learners, texts and scores", learners, texts, scores) ??
            outside("learner", learners, first, first + size)
          return problem !== undefined
            ? refuse(problem)
            : shard.learn(round, chunk, learners, texts, scores).pipe(Effect.mapError(failed))
        },
        Stats: () => Effect.sync(shard.stats),
        Evaluate: ({ agents, items }) => {
          const problem = outside("agent", agents, first, first + size)
          return problem !== undefined
            ? refuse(problem)
            : shard.evaluate(agents, items).pipe(Effect.mapError(failed))
        },
        ScoreCanary: ({ agents }) => {
          const problem = outside("agent", agents, first, first + size)
          return problem !== undefined
            ? refuse(problem)
            : shard.scoreCanary(agents).pipe(Effect.mapError(failed))
        },
      }
    }),
    { idempotent: true, supervision: { maxRestarts: 0 } },
  )
