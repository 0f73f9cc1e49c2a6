/**
 * The shipped per-role NATS config (docs/nats/lyceum-server.conf) on a real nats-server, attacked by hostile
 * clients: a worker can do its job (pull units, ack them, publish results, hear cancels, share endpoint limits)
 * and nothing else (no other worker's units, no results, no forged units, no stream admin); a stranger is refused
 * at connect with a message naming the credential. THE shipped file is tested, with only its port and store dir
 * replaced and passwords given through the environment as documented, so the example cannot rot. Last, a .creds
 * file against a server in operator mode (JWTs made with @nats-io/jwt).
 */
import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import type { EndpointLimiter, EndpointLimiterWatcher } from "@lyceum/models"
import { ConnectOptions, NatsClient, NatsServer, SharedLimits } from "@lyceum/nats"
import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
} from "@nats-io/jwt"
import { Cause, Effect, Exit, Option, Redacted, Schedule, Schema, Scope } from "effect"
import { connect, type NatsConnection, type Status } from "nats"
import { afterAll, beforeAll } from "vitest"
import { root } from "./support/WorkerProcesses.js"

// The work queue's fixed names (DESIGN of issue 14, packages/runner/src/queue/QueueNames.ts).
const WORK = "LYCEUM_WORK"
const RESULTS = "LYCEUM_RESULTS"
const WORKERS = "lyceum-workers"
const RUN = "perm-run"

const confFile = join(root, "docs/nats/lyceum-server.conf")
const passwords = {
  coordinator: `c-${randomBytes(12).toString("hex")}`,
  "worker-w1": `w1-${randomBytes(12).toString("hex")}`,
  "worker-w2": `w2-${randomBytes(12).toString("hex")}`,
}
type User = keyof typeof passwords

/** The shipped file with only its port and JetStream store dir left to the launcher (it writes its own). */
const shippedConfig = () => {
  const text = readFileSync(confFile, "utf8")
  const port = /^port: 4222\n/m
  const jetstream = /^jetstream \{\n\s*store_dir: "[^"]*"\n\}\n/m
  if (!port.test(text) || !jetstream.test(text)) {
    throw new Error(
      `${confFile}: expected a "port: 4222" line and a jetstream { store_dir } block to replace`,
    )
  }
  return text.replace(port, "").replace(jetstream, "")
}

const suite = Effect.runSync(Scope.make())
let url = ""
beforeAll(async () => {
  // As the README says: the server reads the passwords from these variables (the launcher passes our env on).
  process.env.LYCEUM_COORDINATOR_PASSWORD = passwords.coordinator
  process.env.LYCEUM_W1_PASSWORD = passwords["worker-w1"]
  process.env.LYCEUM_W2_PASSWORD = passwords["worker-w2"]
  const server = await Effect.runPromise(
    NatsServer.make({ jetstream: true, extraConfig: shippedConfig() }).pipe(Scope.extend(suite)),
  )
  url = server.url
})
afterAll(() => Effect.runPromise(Scope.close(suite, Exit.void)))

/** Our client as `user`; workers use their own inbox prefix, as `lyceum worker --name wN` does. */
const client = (user: User, inboxPrefix?: string) =>
  NatsClient.make({
    servers: [url],
    name: `perm-test-${user}`,
    user,
    pass: Redacted.make(passwords[user]),
    maxReconnectAttempts: 0,
    ...(inboxPrefix !== undefined ? { inboxPrefix } : {}),
  })

/** A raw nats.js connection (what a hostile process would use), with the server's errors it was sent. */
interface Raw {
  readonly nc: NatsConnection
  readonly errors: Array<Status>
}
const raw = (user: User, inboxPrefix?: string) =>
  Effect.acquireRelease(
    Effect.promise(async (): Promise<Raw> => {
      const nc = await connect({
        servers: url,
        user,
        pass: passwords[user],
        reconnect: false,
        ...(inboxPrefix !== undefined ? { inboxPrefix } : {}),
      })
      const errors: Array<Status> = []
      void (async () => {
        for await (const status of nc.status()) if (status.type === "error") errors.push(status)
      })()
      return { nc, errors }
    }),
    ({ nc }) => Effect.promise(() => nc.close()),
  )

/** Polls until `check` holds (the server answers asynchronously), at most ~3 s. */
const eventually = <A>(check: () => A | undefined, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 150; i++) {
      const found = check()
      if (found !== undefined) return found
      yield* Effect.sleep(20)
    }
    return yield* Effect.die(new Error(`never happened: ${what}`))
  })

/** Runs `effect` until its value satisfies `ok`, at most ~3 s. */
const until = <A, E>(effect: Effect.Effect<A, E>, ok: (a: A) => boolean, what: string) =>
  effect.pipe(
    Effect.filterOrFail(ok, () => "not yet" as const),
    Effect.retry({ while: (e) => e === "not yet", schedule: Schedule.spaced(20), times: 150 }),
    Effect.catchIf(
      (e) => e === "not yet",
      () => Effect.die(new Error(`never happened: ${what}`)),
    ),
  )

const violation = (r: Raw, operation: "publish" | "subscription", subject: string) =>
  eventually(
    () =>
      r.errors.find(
        (e) =>
          e.data === "PERMISSIONS_VIOLATION" &&
          e.permissionContext?.operation === operation &&
          e.permissionContext.subject === subject,
      ),
    `the server refusing ${operation} on ${subject}`,
  )

/** Subscribes raw and expects the server to refuse; nothing may arrive on it meanwhile. */
const subscribeDenied = (r: Raw, subject: string) =>
  Effect.gen(function* () {
    const received: Array<string> = []
    r.nc.subscribe(subject, { callback: (error, msg) => error === null && received.push(msg.subject) })
    yield* Effect.promise(() => r.nc.flush())
    yield* violation(r, "subscription", subject)
    expect(received).toEqual([])
  })

const publishDenied = (r: Raw, subject: string, reply?: string) =>
  Effect.gen(function* () {
    r.nc.publish(subject, new TextEncoder().encode("forged"), reply !== undefined ? { reply } : {})
    yield* Effect.promise(() => r.nc.flush())
    yield* violation(r, "publish", subject)
  })

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
const decode = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>
const unitSubject = (unit: string) => `lyceum-work.${RUN}.${unit}`

/** The coordinator's side of the queue, as `lyceum run --queue` sets it up; the streams start empty. */
const setUpQueue = (coordinator: NatsClient.NatsClient) =>
  Effect.gen(function* () {
    yield* coordinator.ensureStream(WORK, ["lyceum-work.>"], { retention: "workqueue" })
    yield* coordinator.ensureConsumer(WORK, {
      durable: WORKERS,
      filterSubject: "lyceum-work.>",
      ackWaitMs: 30_000,
    })
    yield* coordinator.ensureStream(RESULTS, ["lyceum-results.>"], { retention: "workqueue" })
    yield* coordinator.ensureConsumer(RESULTS, {
      durable: `results-${RUN}`,
      filterSubject: `lyceum-results.${RUN}.>`,
    })
    yield* coordinator.purgeSubject(WORK, "lyceum-work.>")
    yield* coordinator.purgeSubject(RESULTS, "lyceum-results.>")
  })

/** Fetches until `count` units came (a fetch may return fewer than asked for). */
const fetchUnits = (worker: NatsClient.NatsClient, count: number) =>
  Effect.gen(function* () {
    const got: Array<NatsClient.JetStreamMessage> = []
    for (let i = 0; i < 20 && got.length < count; i++) {
      got.push(...(yield* worker.fetch(WORK, WORKERS, count - got.length, 1_000)))
    }
    return got
  })

describe("the shipped per-role config (docs/nats/lyceum-server.conf)", () => {
  it.scopedLive(
    "a worker pulls a unit, says it is working, publishes its result, acks, and hears the cancel",
    () =>
      Effect.gen(function* () {
        const coordinator = yield* client("coordinator")
        yield* setUpQueue(coordinator)
        const w1 = yield* client("worker-w1", "_INBOX_w1")
        const cancels: Array<string> = []
        yield* w1.listen("lyceum-work-control.>", (m) => cancels.push(m.subject))

        yield* coordinator.publishDurable(
          unitSubject("r0-t0-v0"),
          encode({ unit: "r0-t0-v0" }),
          `${RUN}/r0-t0-v0/1`,
        )
        const [unit, ...more] = yield* fetchUnits(w1, 1)
        expect(more).toEqual([])
        expect(unit?.subject).toBe(unitSubject("r0-t0-v0"))
        expect(unit?.deliveryCount).toBe(1)
        yield* unit!.working
        const ack = yield* w1.publishDurable(
          `lyceum-results.${RUN}.r0-t0-v0`,
          encode({ step: 0, worker: "w1" }),
          `${RUN}/r0-t0-v0/0/0`,
        )
        expect(ack).toMatchObject({ stream: RESULTS, duplicate: false })
        yield* unit!.ack
        // Acked for real: a work-queue stream drops a unit once its consumer has the ack.
        yield* coordinator.flush
        yield* until(
          coordinator.streamInfo(WORK),
          (s) => s.messages === 0,
          "the acked unit leaving LYCEUM_WORK",
        )

        const results = yield* coordinator.fetch(RESULTS, `results-${RUN}`, 10, 1_000)
        expect(results.map((r) => [r.subject, decode(r.data)])).toEqual([
          [`lyceum-results.${RUN}.r0-t0-v0`, { step: 0, worker: "w1" }],
        ])
        for (const r of results) yield* r.ack

        yield* coordinator.publish(`lyceum-work-control.${RUN}`, encode({ stop: true }))
        yield* eventually(() => (cancels.length > 0 ? cancels : undefined), "w1 hearing the cancel")
        expect(cancels).toEqual([`lyceum-work-control.${RUN}`])
      }),
  )

  it.scopedLive(
    "a worker without its inbox prefix cannot even pull: replies to _INBOX.> are not its to read",
    () =>
      Effect.gen(function* () {
        const coordinator = yield* client("coordinator")
        yield* setUpQueue(coordinator)
        yield* coordinator.publishDurable(
          unitSubject("r0-t1-v0"),
          encode({ unit: "r0-t1-v0" }),
          `${RUN}/r0-t1-v0/1`,
        )
        const w1 = yield* client("worker-w1") // default prefix _INBOX
        const error = yield* Effect.flip(w1.fetch(WORK, WORKERS, 1, 1_000))
        expect(error.message).toMatch(/Permissions Violation for Subscription to "_INBOX\./)
        // The unit was never handed out: still there for a worker that is set up right.
        const w1Right = yield* client("worker-w1", "_INBOX_w1")
        const [unit] = yield* fetchUnits(w1Right, 1)
        expect(unit?.deliveryCount).toBe(1)
        yield* unit!.ack
      }),
  )

  it.scopedLive("an inbox prefix that is not a subject prefix is refused before connecting", () =>
    Effect.gen(function* () {
      const valid = Schema.is(ConnectOptions.InboxPrefix)
      expect(["_INBOX_w1", "_INBOX_host-1_2", "a.b"].map(valid)).toEqual([true, true, true])
      expect(["_INBOX.>", "_INBOX_*", "a b", "", "a.", ".a"].map(valid)).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
      ])
      const exit = yield* Effect.exit(Effect.scoped(client("worker-w1", "_INBOX_w1.>")))
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      expect(Cause.pretty((exit as Exit.Failure<unknown, unknown>).cause)).toContain(
        'Invalid NATS inboxPrefix "_INBOX_w1.>"',
      )
    }),
  )

  it.scopedLive(
    "a hostile worker sees none of another worker's units, and cannot read, forge or drop work or results",
    () =>
      Effect.gen(function* () {
        const coordinator = yield* client("coordinator")
        yield* setUpQueue(coordinator)
        const workBefore = yield* coordinator.streamInfo(WORK)
        // w1 listens wherever it is allowed to, and tries where it is not.
        const spy = yield* raw("worker-w1", "_INBOX_w1")
        const seen: Array<string> = []
        for (const subject of ["_INBOX_w1.>", "lyceum-work-control.>"]) {
          spy.nc.subscribe(subject, { callback: (error, msg) => error === null && seen.push(msg.subject) })
        }
        for (const subject of [
          "_INBOX_w2.>",
          "_INBOX.>",
          "lyceum-work.>",
          "lyceum-results.>",
          "lyceum.>",
          "$JS.>",
          ">",
          "*.>",
        ]) {
          yield* subscribeDenied(spy, subject)
        }

        // w2 pulls three units; w1 must not see any of them, nor their content.
        const units = ["r1-t0-v0", "r1-t1-v0", "r1-t2-v0"]
        for (const unit of units) {
          yield* coordinator.publishDurable(
            unitSubject(unit),
            encode({ unit, secret: `prompt-of-${unit}` }),
            `${RUN}/${unit}/1`,
          )
        }
        const w2 = yield* client("worker-w2", "_INBOX_w2")
        const pulled = yield* fetchUnits(w2, units.length)
        expect(pulled.map((m) => decode(m.data).unit).sort()).toEqual(units)
        for (const m of pulled) yield* m.ack
        yield* Effect.promise(() => spy.nc.flush())
        expect(seen).toEqual([])

        // Forge a unit, cancel a run, drop (ack) or steal (pull) results, read units directly, administer streams.
        const forbidden = [
          unitSubject("r9-t9-v9"),
          `lyceum-work-control.${RUN}`,
          `$JS.ACK.${RESULTS}.results-${RUN}.1.1.1.0.0`,
          `$JS.API.CONSUMER.MSG.NEXT.${RESULTS}.results-${RUN}`,
          `$JS.API.CONSUMER.INFO.${RESULTS}.results-${RUN}`,
          `$JS.API.STREAM.MSG.GET.${WORK}`,
          `$JS.API.DIRECT.GET.${WORK}`,
          `$JS.API.STREAM.CREATE.EVIL`,
          `$JS.API.STREAM.DELETE.${WORK}`,
          `$JS.API.STREAM.PURGE.${WORK}`,
          `$JS.API.STREAM.UPDATE.${WORK}`,
          `$JS.API.CONSUMER.CREATE.${WORK}`,
          `$JS.API.CONSUMER.DURABLE.CREATE.${WORK}.${WORKERS}`,
          `$JS.API.CONSUMER.DELETE.${WORK}.${WORKERS}`,
          "lyceum.any-run.student.s1",
          "lyceum-durable.any-run.student.s1",
        ]
        for (const subject of forbidden) yield* publishDenied(spy, subject, "_INBOX_w1.reply")

        // The same through our client: errors that name what was refused.
        const w1 = yield* client("worker-w1", "_INBOX_w1")
        const forged = yield* Effect.flip(w1.publishDurable(unitSubject("r9-t9-v8"), encode({}), "forged"))
        expect(forged.message).toContain(`Permissions Violation for Publish to "${unitSubject("r9-t9-v8")}"`)
        const created = yield* Effect.flip(w1.ensureStream("EVIL", ["evil.>"]))
        expect(created.message).toContain("Permissions Violation for Publish")
        const deleted = yield* Effect.flip(w1.deleteStream(WORK))
        expect(deleted.message).toContain(
          `Permissions Violation for Publish to "$JS.API.STREAM.DELETE.${WORK}"`,
        )
        const stolen = yield* Effect.flip(w1.fetch(RESULTS, `results-${RUN}`, 1, 1_000))
        expect(stolen.message).toContain("Permissions Violation for Publish")
        const spying = yield* w1.listen("_INBOX_w2.>", () => {})
        const refused = yield* Effect.flip(spying.closed)
        expect(refused._tag).toBe("NatsPermissionDenied")
        expect(refused.message).toContain("_INBOX_w2.>")

        // And nothing changed: the queue as the coordinator left it, no stream EVIL.
        const workAfter = yield* coordinator.streamInfo(WORK)
        expect({ messages: workAfter.messages, consumers: workAfter.consumers }).toEqual({
          messages: 0,
          consumers: workBefore.consumers,
        })
        const evil = yield* Effect.flip(coordinator.streamInfo("EVIL"))
        expect(evil.message).toMatch(/stream not found/i)
        expect(yield* coordinator.fetch(RESULTS, `results-${RUN}`, 10, 1_000)).toEqual([])
      }),
  )

  it.scopedLive(
    "a stranger is refused at connect, told which credential to check, without the password",
    () =>
      Effect.gen(function* () {
        const wrong = `wrong-${randomBytes(6).toString("hex")}`
        const attempts = [
          {
            options: { user: "worker-w1", pass: Redacted.make(wrong) },
            credential: 'the password of user "worker-w1"',
          },
          {
            options: { user: "mallory", pass: Redacted.make(wrong) },
            credential: 'the password of user "mallory"',
          },
          { options: {}, credential: "credentials (none were given; the server requires some)" },
        ]
        for (const { options, credential } of attempts) {
          const exit = yield* Effect.exit(
            Effect.scoped(NatsClient.make({ servers: [url], maxReconnectAttempts: 0, ...options })),
          )
          const error = Exit.isFailure(exit)
            ? Option.getOrUndefined(Cause.failureOption(exit.cause))
            : undefined
          expect(error?._tag).toBe("NatsPermissionDenied")
          expect(error?.message).toBe(
            `NATS server ${url} rejected ${credential} ('Authorization Violation'); check that credential`,
          )
          expect(error?.message).not.toContain(wrong)
        }
      }),
  )

  it.scopedLive(
    "workers and the coordinator share endpoint limits through the KV bucket, a worker making it",
    () =>
      Effect.gen(function* () {
        const coordinator = yield* client("coordinator")
        const bucketStream = `KV_${SharedLimits.LIMITS_BUCKET}`
        expect((yield* Effect.flip(coordinator.streamInfo(bucketStream))).message).toMatch(
          /stream not found/i,
        )
        const options = (user: User, inboxPrefix?: string): NatsClient.NatsClientOptions => ({
          servers: [url],
          user,
          pass: Redacted.make(passwords[user]),
          ...(inboxPrefix !== undefined ? { inboxPrefix } : {}),
        })
        const [one, two, three] = [registry(), registry(), registry()]
        const w1Limiter = fakeLimiter(ENDPOINT, 16)
        const w2Limiter = fakeLimiter(ENDPOINT, 16)
        const coordinatorLimiter = fakeLimiter(ENDPOINT, 16)
        one.add(w1Limiter.limiter)
        two.add(w2Limiter.limiter)
        three.add(coordinatorLimiter.limiter)
        yield* SharedLimits.shareEndpointLimits({
          nats: options("worker-w1", "_INBOX_w1"),
          process: "w1",
          watch: one.watch,
        })
        yield* SharedLimits.shareEndpointLimits({
          nats: options("worker-w2", "_INBOX_w2"),
          process: "w2",
          watch: two.watch,
        })
        yield* SharedLimits.shareEndpointLimits({
          nats: options("coordinator"),
          process: "c",
          watch: three.watch,
        })
        yield* eventually(
          () => [w1Limiter, w2Limiter, coordinatorLimiter].every((l) => l.state.peer === 16) || undefined,
          "peers seen",
        )
        w1Limiter.throttle(3)
        yield* eventually(
          () => (w2Limiter.state.peer === 3 && coordinatorLimiter.state.peer === 3) || undefined,
          "w2 and the coordinator capped at w1's limit",
        )
        expect((yield* coordinator.streamInfo(bucketStream)).messages).toBeGreaterThan(0)
      }),
  )
})

/** One process's limiter of an endpoint, as far as sharing sees it (as in packages/nats/test/SharedLimits.test.ts). */
const ENDPOINT = "http://llm.example:8000/v1"
const fakeLimiter = (endpoint: string, own: number) => {
  const listeners = new Set<(limit: number) => void>()
  const state = { own, peer: undefined as number | undefined }
  const limiter = {
    endpoint,
    ownLimit: () => state.own,
    setPeerLimit: (limit: number | undefined) => {
      state.peer = limit
    },
    onOwnLimit: (listener: (limit: number) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  } as unknown as EndpointLimiter
  const throttle = (limit: number) => {
    state.own = limit
    for (const listener of listeners) listener(limit)
  }
  return { limiter, state, throttle }
}

/** A process's registry with these limiters, as `watchEndpointLimiters` gives it. */
const registry = () => {
  const limiters = new Set<EndpointLimiter>()
  return {
    watch: (watcher: EndpointLimiterWatcher) => {
      for (const limiter of limiters) watcher.added(limiter)
      return () => {}
    },
    add: (limiter: EndpointLimiter) => void limiters.add(limiter),
  }
}

describe("a .creds file against a server in operator mode (nats-server 2.9, resolver MEMORY)", () => {
  it.scopedLive(
    "a user of a preloaded account connects, with its JWT's permissions; one signed by another account is refused",
    () =>
      Effect.gen(function* () {
        const operator = createOperator()
        const account = createAccount()
        const stranger = createAccount()
        // Without limits an account JWT means "0 subscriptions": nats-server 2.9 then refuses every SUB.
        const unlimited = {
          subs: -1,
          conn: -1,
          leaf: -1,
          imports: -1,
          exports: -1,
          data: -1,
          payload: -1,
          wildcards: true,
        }
        const operatorJwt = yield* Effect.promise(() => encodeOperator("lyceum-test", operator))
        const accountJwt = yield* Effect.promise(() =>
          encodeAccount("lyceum", account, { limits: unlimited }, { signer: operator }),
        )
        const server = yield* NatsServer.make({
          extraConfig: [
            `operator: ${operatorJwt}`,
            "resolver: MEMORY",
            `resolver_preload: { ${account.getPublicKey()}: ${accountJwt} }`,
          ].join("\n"),
        })
        const dir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "lyceum-creds-"))),
          (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true })),
        )
        // A worker's user: the same permissions as worker-w1 in the shipped config, carried by its JWT.
        const user = createUser()
        const userJwt = yield* Effect.promise(() =>
          encodeUser("worker-w1", user, account, {
            pub: { allow: ["lyceum-results.>"] },
            sub: { allow: ["_INBOX_w1.>", "lyceum-work-control.>"] },
          }),
        )
        const good = join(dir, "worker-w1.creds")
        writeFileSync(good, fmtCreds(userJwt, user))
        const w1 = yield* NatsClient.make({
          servers: [server.url],
          credsFile: good,
          inboxPrefix: "_INBOX_w1",
          maxReconnectAttempts: 0,
        })
        // Connected; the JWT's permissions hold: its own subjects yes, another worker's inbox no.
        const heard: Array<string> = []
        yield* w1.listen("lyceum-work-control.>", (m) => heard.push(m.subject))
        yield* w1.listen("_INBOX_w1.>", (m) => heard.push(m.subject))
        yield* w1.publish("lyceum-results.r.u", encode({}))
        yield* w1.flush
        expect(heard).toEqual([])
        const spying = yield* w1.listen("_INBOX_w2.>", () => {})
        expect((yield* Effect.flip(spying.closed))._tag).toBe("NatsPermissionDenied")

        // Signed by an account the server does not know.
        const other = createUser()
        const otherJwt = yield* Effect.promise(() => encodeUser("intruder", other, stranger))
        const bad = join(dir, "intruder.creds")
        writeFileSync(bad, fmtCreds(otherJwt, other))
        const refused = yield* Effect.flip(
          Effect.scoped(NatsClient.make({ servers: [server.url], credsFile: bad, maxReconnectAttempts: 0 })),
        )
        expect(refused._tag).toBe("NatsPermissionDenied")
        expect(refused.message).toBe(
          `NATS server ${server.url} rejected the credentials file ${bad} ('Authorization Violation'); check that credential`,
        )
        // A valid JWT with the wrong seed (a stolen JWT without its key) is refused too.
        const stolen = join(dir, "stolen.creds")
        writeFileSync(stolen, fmtCreds(userJwt, createUser()))
        const refusedStolen = yield* Effect.flip(
          Effect.scoped(
            NatsClient.make({ servers: [server.url], credsFile: stolen, maxReconnectAttempts: 0 }),
          ),
        )
        expect(refusedStolen._tag).toBe("NatsPermissionDenied")
        expect(refusedStolen.message).toContain(`rejected the credentials file ${stolen}`)
      }),
  )
})
