import { ActorSystem, LocalTransport } from "@lyceum/actors"
import { Effect, Layer, Schedule } from "effect"
import { runWorker, type WorkerOptions } from "../../src/Worker.js"
import { Ping, WorkerProtocol, workerAddress } from "../../src/WorkerProtocol.js"

/**
 * A `lyceum worker` in this process, over a transport that encodes every message as NATS would, for the life
 * of the scope: the actor system to talk to it from and a ref to the worker, once it answers.
 */
export const inProcessWorker = (options: WorkerOptions) =>
  Effect.gen(function* () {
    const transport = yield* Layer.build(LocalTransport.layer({ serialize: true }))
    yield* Effect.forkScoped(runWorker(options).pipe(Effect.provide(transport)))
    const system = yield* ActorSystem.make().pipe(Effect.provide(transport))
    const worker = system.refFor(workerAddress(options.name), WorkerProtocol)
    yield* worker.ask(new Ping({})).pipe(Effect.retry(Schedule.spaced("20 millis")))
    return { system, worker }
  })
