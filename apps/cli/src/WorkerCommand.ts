import { hostname } from "node:os"
import { Command, Options } from "@effect/cli"
import { NatsClient, NatsTransport, SharedLimits } from "@lyceum/nats"
import { describeFailure, runWorker, serveQueue, workerInbox } from "@lyceum/runner"
import { Effect, Layer, Runtime } from "effect"
import { explainRejection, natsAuthOptions, natsClientOptions } from "./NatsOptions.js"
import { verboseOption } from "./Options.js"

const nats = Options.text("nats").pipe(
  Options.withDescription(
    "the NATS server the coordinators use (e.g. nats://127.0.0.1:4222); credentials: --nats-user and the other --nats-* flags",
  ),
)
const name = Options.text("name").pipe(
  Options.withDescription(
    "the name coordinators place agents on (lyceum run --workers NAME,...); default: host-pid",
  ),
  Options.optional,
)

const slots = Options.integer("slots").pipe(
  Options.withDescription(
    "cohorts of queued runs (lyceum run --queue) this worker plays at once; it pulls no more (default 1; with the sim model 2 per core keep the cores busy)",
  ),
  Options.withDefault(1),
)

/** `lyceum worker`: hosts agents for runs until interrupted (Ctrl-C, SIGTERM). */
export const workerCommand = Command.make(
  "worker",
  { nats, ...natsAuthOptions, name, slots, verbose: verboseOption },
  ({ nats, name, slots, ...natsAuth }) =>
    Effect.flatMap(Effect.runtime<never>(), (runtime) => {
      const workerName =
        name._tag === "Some" ? name.value : `${hostname().replace(/[^A-Za-z0-9_-]/g, "-")}-${process.pid}`
      // Through Effect's logger: text or JSON lines on stderr, at --log-level.
      const log = (line: string) => Runtime.runSync(runtime)(Effect.logInfo(line))
      // Every process using an endpoint slows down together when it throttles (adaptive concurrency over NATS KV).
      const sharing = SharedLimits.shareEndpointLimits({
        // Its own inbox prefix: under the per-role permissions (docs/nats/) a worker may use no other.
        nats: {
          ...natsClientOptions(nats, `lyceum-worker-${workerName}-limits`, natsAuth),
          inboxPrefix: workerInbox(workerName),
        },
      })
      // Both ways a run can use this worker: agents placed here by name, and cohorts pulled from the work queue.
      const queued = serveQueue({ name: workerName, slots: Math.max(1, slots), log }).pipe(
        Effect.provide(
          NatsClient.layer({
            ...natsClientOptions(nats, `lyceum-worker-${workerName}-queue`, natsAuth),
            inboxPrefix: workerInbox(workerName),
          }).pipe(Layer.mapError(explainRejection)),
        ),
      )
      // A user allowed only the work queue (docs/nats/lyceum-server.conf) may not serve agent placement: said once,
      // and the worker goes on pulling cohorts.
      const hosting = Effect.zipRight(
        sharing,
        runWorker({ name: workerName, log }).pipe(
          Effect.catchAll((error) =>
            Effect.zipRight(
              Effect.sync(() =>
                log(
                  `agent placement (lyceum run --workers) is not available here: ${describeFailure(error)}; ` +
                    "serving the work queue (lyceum run --queue) only",
                ),
              ),
              Effect.never,
            ),
          ),
        ),
      )
      // Either failing for good (the queue's connection refused) stops the worker, with its error.
      return Effect.raceFirst(queued, hosting).pipe(
        Effect.provide(
          NatsTransport.layer({
            nats: {
              ...natsClientOptions(nats, `lyceum-worker-${workerName}`, natsAuth),
              inboxPrefix: workerInbox(workerName),
            },
          }).pipe(Layer.mapError(explainRejection)),
        ),
        Effect.scoped,
        // After the transport's scope: by then the agents are released and the NATS connection is closed.
        Effect.ensuring(
          Effect.sync(() => log(`worker ${workerName} stopped; its NATS connection is closed`)),
        ),
      )
    }),
).pipe(
  Command.withDescription(
    "play cohorts of runs started elsewhere with lyceum run --nats URL --queue, and host agents for lyceum run --nats URL --workers NAME (datasets must be at the same paths)",
  ),
)
