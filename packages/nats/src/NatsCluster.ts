/**
 * A real cluster of `nats-server` processes for tests: N nodes built with `NatsServer.make`, each with a
 * `server_name`, its own JetStream store, a route to every node (itself included; the server skips it) and a
 * monitoring port whose `/healthz` and `/jsz` say when JetStream has a meta leader and a node has caught up.
 * Route and monitoring ports are chosen before start (every node's config lists every route, so a node
 * restarted on the same ports rejoins whichever nodes are up); client ports are the server's own choice.
 */
import * as net from "node:net"
import { Data, Duration, Effect, Exit, Option, Schedule, Schema, Scope } from "effect"
import * as NatsServer from "./NatsServer.js"

/** The cluster did not become healthy in time; `message` names the nodes and what they reported. */
export class NatsClusterError extends Data.TaggedError("NatsClusterError")<{
  readonly reason: "NotHealthy" | "NodeExited"
  readonly message: string
  readonly cause?: unknown
}> {}

export interface NatsClusterOptions {
  /** Number of nodes; default 3 (JetStream needs a majority alive: 3 nodes survive the loss of one). */
  readonly nodes?: number
  /** Clustered JetStream, each node with its own store dir. Default true. */
  readonly jetstream?: boolean
  /** The `cluster { name }`; default "lyceum". */
  readonly name?: string
  readonly auth?: NatsServer.NatsServerAuth
  readonly maxPayload?: number
  readonly binary?: string
  /** Config text appended verbatim to every node's config. */
  readonly extraConfig?: string
  /** How long one node's start or restart may take. Default 10 s. */
  readonly startTimeoutMs?: number
  /** How long `make` waits for the cluster to become healthy (see `awaitHealthy`). Default 20 s. */
  readonly healthyTimeoutMs?: number
}

/** One node. `url`, `port` and `pid` describe its current process (a restart may change `pid`). */
export interface NatsClusterNode {
  /** Its `server_name` ("n1", "n2", ...), as the monitoring endpoints and stream info name it. */
  readonly name: string
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly clusterPort: number
  /** `http://127.0.0.1:<port>` of its monitoring endpoints (`/healthz`, `/jsz`, `/routez`, ...). */
  readonly monitorUrl: string
  readonly storeDir: string
  /** False after `kill` or `stop`, true again after `restart`. */
  readonly running: boolean
  /** SIGKILL, as a crash would; waits until the process has exited. */
  readonly kill: Effect.Effect<void>
  /** Graceful stop (SIGTERM); waits until the process has exited. */
  readonly stop: Effect.Effect<void>
  /** Starts it again on the same ports and store dir; it then rejoins (see `NatsCluster.awaitHealthy`). */
  readonly restart: Effect.Effect<void, NatsServer.NatsServerError>
}

export interface NatsCluster {
  readonly name: string
  readonly nodes: ReadonlyArray<NatsClusterNode>
  /** Every node's client URL, running or not: a client's server list. */
  readonly urls: ReadonlyArray<string>
  /**
   * The JetStream meta leader's name, when every running node names the same running node; none while they
   * disagree, lack one, or still name a node that is down.
   */
  readonly metaLeader: Effect.Effect<Option.Option<string>>
  /** The node leading `stream` (of the default account), as a running node reports it. */
  readonly streamLeader: (stream: string) => Effect.Effect<Option.Option<NatsClusterNode>>
  /**
   * Waits until every running node is routed to every other running node, says `/healthz` ok (with JetStream:
   * in contact with the meta leader, its streams and consumers current) and names the same running meta leader.
   * Default timeout 20 s.
   */
  readonly awaitHealthy: (timeoutMs?: number) => Effect.Effect<void, NatsClusterError>
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Ports the OS considers free now, all different (held together, then released). */
export const freePorts = (count: number): Effect.Effect<ReadonlyArray<number>> =>
  Effect.promise(async () => {
    const servers = await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<net.Server>((resolve, reject) => {
            const server = net.createServer()
            server.once("error", reject)
            server.listen(0, "127.0.0.1", () => resolve(server))
          }),
      ),
    )
    const ports = servers.map((server) => (server.address() as net.AddressInfo).port)
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
    return ports
  })

// What we read from the monitoring endpoints (nats-server 2.9).
const Healthz = Schema.Struct({ status: Schema.String, error: Schema.optional(Schema.String) })
const Routez = Schema.Struct({ num_routes: Schema.Number })
const StreamDetail = Schema.Struct({
  name: Schema.String,
  cluster: Schema.optional(Schema.Struct({ leader: Schema.optional(Schema.String) })),
})
const Jsz = Schema.Struct({
  meta_cluster: Schema.optional(Schema.Struct({ leader: Schema.optional(Schema.String) })),
  account_details: Schema.optional(
    Schema.Array(Schema.Struct({ stream_detail: Schema.optional(Schema.Array(StreamDetail)) })),
  ),
})

/** GET a monitoring endpoint; none when the node does not answer (down, starting) or answers nonsense. */
const monitor = <A, I>(schema: Schema.Schema<A, I>, url: string): Effect.Effect<Option.Option<A>> =>
  Effect.tryPromise(async () => {
    // /healthz answers 503 with a JSON body while unhealthy; we want that body too.
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) })
    return (await response.json()) as unknown
  }).pipe(
    Effect.map(Schema.decodeUnknownOption(schema)),
    Effect.orElseSucceed(() => Option.none()),
  )

const routesFor = (ports: ReadonlyArray<number>) =>
  ports.map((port) => `nats-route://127.0.0.1:${port}`).join(", ")

const nodeConfig = (
  options: NatsClusterOptions,
  name: string,
  clusterName: string,
  clusterPort: number,
  monitorPort: number,
  allClusterPorts: ReadonlyArray<number>,
) =>
  [
    `server_name: ${JSON.stringify(name)}`,
    `http: 127.0.0.1:${monitorPort}`,
    `cluster { name: ${JSON.stringify(clusterName)}, listen: 127.0.0.1:${clusterPort}, routes: [${routesFor(allClusterPorts)}] }`,
    options.extraConfig ?? "",
  ].join("\n")

const startNodes = (options: NatsClusterOptions, clusterName: string) =>
  Effect.gen(function* () {
    const count = options.nodes ?? 3
    const ports = yield* freePorts(2 * count)
    const clusterPorts = ports.slice(0, count)
    const monitorPorts = ports.slice(count)
    return yield* Effect.forEach(
      clusterPorts,
      (clusterPort, i) =>
        Effect.gen(function* () {
          const name = `n${i + 1}`
          const monitorPort = monitorPorts[i] ?? 0
          const server = yield* NatsServer.make({
            jetstream: options.jetstream ?? true,
            ...(options.auth === undefined ? {} : { auth: options.auth }),
            ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
            ...(options.binary === undefined ? {} : { binary: options.binary }),
            ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
            extraConfig: nodeConfig(options, name, clusterName, clusterPort, monitorPort, clusterPorts),
          })
          return makeNode(server, name, clusterPort, `http://127.0.0.1:${monitorPort}`)
        }),
      { concurrency: "unbounded" },
    )
  })

const makeNode = (
  server: NatsServer.NatsServer,
  name: string,
  clusterPort: number,
  monitorUrl: string,
): NatsClusterNode => {
  let running = true
  return {
    name,
    get url() {
      return server.url
    },
    get port() {
      return server.port
    },
    get pid() {
      return server.pid
    },
    clusterPort,
    monitorUrl,
    storeDir: server.storeDir,
    get running() {
      return running
    },
    kill: Effect.zipRight(
      Effect.sync(() => {
        running = false
      }),
      server.kill,
    ),
    stop: Effect.zipRight(
      Effect.sync(() => {
        running = false
      }),
      server.stop,
    ),
    restart: Effect.tap(server.restart, () =>
      Effect.sync(() => {
        running = true
      }),
    ),
  }
}

/** One node's view, for `awaitHealthy` and its error message. */
interface NodeView {
  readonly node: NatsClusterNode
  readonly health: string
  readonly routes: number
  readonly leader: string | undefined
}

const view = (node: NatsClusterNode): Effect.Effect<NodeView> =>
  Effect.all(
    {
      health: monitor(Healthz, `${node.monitorUrl}/healthz`),
      routes: monitor(Routez, `${node.monitorUrl}/routez`),
      jsz: monitor(Jsz, `${node.monitorUrl}/jsz`),
    },
    { concurrency: "unbounded" },
  ).pipe(
    Effect.map(({ health, routes, jsz }) => ({
      node,
      health: Option.match(health, {
        onNone: () => "no answer",
        onSome: (h) => (h.status === "ok" ? "ok" : `${h.status}: ${h.error ?? ""}`),
      }),
      routes: Option.match(routes, { onNone: () => 0, onSome: (r) => r.num_routes }),
      leader: Option.flatMapNullable(jsz, (j) => j.meta_cluster?.leader).pipe(
        Option.filter((leader) => leader !== ""),
        Option.getOrUndefined,
      ),
    })),
  )

/** Problems keeping `views` from being healthy; empty when healthy. */
const problems = (views: ReadonlyArray<NodeView>, jetstream: boolean): ReadonlyArray<string> => {
  const runningNames = new Set(views.map((v) => v.node.name))
  const found: Array<string> = []
  for (const v of views) {
    if (v.health !== "ok") found.push(`${v.node.name} /healthz: ${v.health}`)
    if (v.routes < views.length - 1) found.push(`${v.node.name} has ${v.routes}/${views.length - 1} routes`)
    if (jetstream && (v.leader === undefined || !runningNames.has(v.leader)))
      found.push(`${v.node.name} sees meta leader ${v.leader ?? "none"}`)
  }
  if (jetstream && new Set(views.map((v) => v.leader)).size > 1)
    found.push(
      `nodes disagree on the meta leader (${views.map((v) => `${v.node.name}→${v.leader}`).join(", ")})`,
    )
  return found
}

/** The cluster over started `nodes`: health, leaders, URLs. */
const assemble = (
  nodes: ReadonlyArray<NatsClusterNode>,
  clusterName: string,
  jetstream: boolean,
  defaultTimeoutMs: number,
): NatsCluster => {
  const running = () => nodes.filter((node) => node.running)
  const views = Effect.suspend(() => Effect.forEach(running(), view, { concurrency: "unbounded" }))

  const awaitHealthy = (timeoutMs = defaultTimeoutMs) => {
    let last: ReadonlyArray<string> = []
    return Effect.suspend(() => {
      const gone = running().filter((node) => !isAlive(node.pid))
      if (gone.length === 0) return views
      const names = gone.map((node) => `${node.name} (pid ${node.pid})`).join(", ")
      return Effect.fail(
        new NatsClusterError({
          reason: "NodeExited",
          message: `NATS cluster ${clusterName}: ${names} exited on its own, so the cluster cannot become healthy; use the node's kill or stop to take a node down on purpose`,
        }),
      )
    }).pipe(
      Effect.map((vs) => {
        last = problems(vs, jetstream)
        return last.length === 0
      }),
      Effect.repeat({ schedule: Schedule.spaced(Duration.millis(50)), until: (healthy) => healthy }),
      Effect.timeoutFail({
        duration: Duration.millis(timeoutMs),
        onTimeout: () =>
          new NatsClusterError({
            reason: "NotHealthy",
            message: `NATS cluster ${clusterName} not healthy after ${timeoutMs} ms: ${last.join("; ")}. JetStream needs a majority of its nodes running to elect a meta leader`,
          }),
      }),
      Effect.asVoid,
    )
  }

  const metaLeader = views.pipe(
    Effect.map((vs) => {
      // Right after a kill the others still name the dead leader for a few seconds: not a leader.
      const leaders = new Set(vs.map((v) => v.leader))
      const [only] = leaders
      return leaders.size === 1 && vs.some((v) => v.node.name === only)
        ? Option.fromNullable(only)
        : Option.none()
    }),
  )

  const streamLeader = (stream: string) =>
    Effect.suspend(() =>
      Effect.forEach(running(), (node) =>
        monitor(Jsz, `${node.monitorUrl}/jsz?accounts=true&streams=true`).pipe(
          Effect.map((jsz) =>
            Option.flatMap(jsz, (j) =>
              Option.fromNullable(
                j.account_details
                  ?.flatMap((account) => account.stream_detail ?? [])
                  .find((detail) => detail.name === stream)?.cluster?.leader,
              ),
            ),
          ),
        ),
      ),
    ).pipe(
      Effect.map((answers) => {
        const alive = running()
        const leader = answers.flatMap(Option.toArray).find((name) => alive.some((n) => n.name === name))
        return Option.fromNullable(alive.find((node) => node.name === leader))
      }),
    )

  const cluster: NatsCluster = {
    name: clusterName,
    nodes,
    get urls() {
      return nodes.map((node) => node.url)
    },
    metaLeader,
    streamLeader,
    awaitHealthy,
  }
  return cluster
}

// A port taken between our choice and the server's bind fails the start, or kills the node soon after it
// accepted clients (nats-server binds its route port last): start again on fresh ports.
const lostPortRace = (error: NatsServer.NatsServerError | NatsClusterError) =>
  error._tag === "NatsServerError"
    ? /address already in use/i.test(error.message)
    : error.reason === "NodeExited"

/**
 * Starts the nodes and waits until the cluster is healthy. Closing the scope kills every node and removes
 * their temp dirs (stores included).
 */
export const make = (
  options: NatsClusterOptions = {},
): Effect.Effect<NatsCluster, NatsServer.NatsServerError | NatsClusterError, Scope.Scope> => {
  const clusterName = options.name ?? "lyceum"
  const jetstream = options.jetstream ?? true
  // Each attempt in its own scope, so the nodes of an attempt that lost a port race are gone at once.
  const attempt = Effect.gen(function* () {
    const scope = yield* Scope.make()
    const cluster = yield* startNodes(options, clusterName).pipe(
      Effect.map((nodes) => assemble(nodes, clusterName, jetstream, options.healthyTimeoutMs ?? 20_000)),
      Effect.tap((cluster) => cluster.awaitHealthy()),
      Scope.extend(scope),
      Effect.onError(() => Scope.close(scope, Exit.void)),
    )
    yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    return cluster
  })
  return attempt.pipe(Effect.retry({ times: 3, while: lostPortRace }))
}

/** A node of a cluster started by `start`, with Promises instead of Effects. */
export interface StartedNode {
  readonly name: string
  readonly url: string
  readonly pid: number
  readonly monitorUrl: string
  readonly running: boolean
  readonly kill: () => Promise<void>
  readonly stop: () => Promise<void>
  readonly restart: () => Promise<void>
}

/** A cluster started by `start`; `close` kills every node and removes their dirs. */
export interface StartedCluster {
  readonly urls: ReadonlyArray<string>
  readonly nodes: ReadonlyArray<StartedNode>
  readonly metaLeader: () => Promise<string | undefined>
  readonly streamLeader: (stream: string) => Promise<StartedNode | undefined>
  readonly awaitHealthy: (timeoutMs?: number) => Promise<void>
  readonly close: () => Promise<void>
}

/** `make` for tests outside Effect (e.g. a vitest `beforeAll`); resolves once the cluster is healthy. */
export const start = async (options: NatsClusterOptions = {}): Promise<StartedCluster> => {
  const scope = Effect.runSync(Scope.make())
  const close = () => Effect.runPromise(Scope.close(scope, Exit.void))
  const cluster = await Effect.runPromise(make(options).pipe(Scope.extend(scope))).catch(async (error) => {
    await close()
    throw error
  })
  const nodes = cluster.nodes.map(
    (node): StartedNode => ({
      name: node.name,
      get url() {
        return node.url
      },
      get pid() {
        return node.pid
      },
      monitorUrl: node.monitorUrl,
      get running() {
        return node.running
      },
      kill: () => Effect.runPromise(node.kill),
      stop: () => Effect.runPromise(node.stop),
      restart: () => Effect.runPromise(node.restart),
    }),
  )
  return {
    get urls() {
      return cluster.urls
    },
    nodes,
    metaLeader: () => Effect.runPromise(Effect.map(cluster.metaLeader, Option.getOrUndefined)),
    streamLeader: async (stream) => {
      const leader = Option.getOrUndefined(await Effect.runPromise(cluster.streamLeader(stream)))
      return nodes.find((node) => node.name === leader?.name)
    },
    awaitHealthy: (timeoutMs) => Effect.runPromise(cluster.awaitHealthy(timeoutMs)),
    close,
  }
}
