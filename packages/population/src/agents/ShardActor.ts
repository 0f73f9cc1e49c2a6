import { Actor } from "@lyceum/actors"
import { agentFailed } from "@lyceum/coalition"
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
      return {
        Teach: ({ round, teachers, learners, details }) =>
          shard.teach(round, teachers, learners, details).pipe(Effect.mapError(failed)),
        Learn: ({ round, chunk, learners, texts, scores }) =>
          shard.learn(round, chunk, learners, texts, scores).pipe(Effect.mapError(failed)),
        Stats: () => Effect.sync(shard.stats),
        Evaluate: ({ agents, items }) => shard.evaluate(agents, items).pipe(Effect.mapError(failed)),
        ScoreCanary: ({ agents }) => shard.scoreCanary(agents).pipe(Effect.mapError(failed)),
      }
    }),
    { idempotent: true, supervision: { maxRestarts: 0 } },
  )
