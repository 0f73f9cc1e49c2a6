/**
 * A real `nats-server` child process for tests and local runs, after nats.js' `nst/src/launcher.ts`: the
 * server picks a free port (`port: -1`) and reports it in a ports file, so any number of servers can run
 * side by side. Everything it writes lives in one temp dir, removed when the scope closes.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { constants as fsConstants } from "node:fs"
import * as fs from "node:fs/promises"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { Context, Data, Duration, Effect, Layer, Schedule, type Scope } from "effect"

/** The launcher could not start or restart the server; `message` says why and what to do. */
export class NatsServerError extends Data.TaggedError("NatsServerError")<{
  readonly reason: "NotInstalled" | "StartFailed"
  readonly message: string
  readonly cause?: unknown
}> {}

/** Server-side auth: clients must present this token, or this user and password. */
export type NatsServerAuth = { readonly token: string } | { readonly user: string; readonly password: string }

export interface NatsServerOptions {
  /** Enable JetStream with its store under `storeDir`. Default false. */
  readonly jetstream?: boolean
  readonly auth?: NatsServerAuth
  /** The server's `max_payload` in bytes (its default is 1 MiB). */
  readonly maxPayload?: number
  /** Path or name of the binary; default `nats-server` from PATH (or /usr/sbin, where Debian puts it). */
  readonly binary?: string
  /** Config text appended verbatim (e.g. a `tls { ... }` or `authorization { ... }` block). */
  readonly extraConfig?: string
  /** How long start or restart may take before failing. Default 10 s. */
  readonly startTimeoutMs?: number
}

/**
 * A running server. `url`, `port` and `pid` describe the current process: `restart` keeps the port when it
 * is still free (it normally is), so clients with reconnect enabled find the server again.
 */
export interface NatsServer {
  /** `nats://127.0.0.1:<port>` of the current process. */
  readonly url: string
  readonly port: number
  readonly pid: number
  /** JetStream store dir; survives `stop`, `kill` and `restart`, removed with the scope. */
  readonly storeDir: string
  /** Graceful stop (SIGTERM, SIGKILL after 5 s); waits until the process has exited. */
  readonly stop: Effect.Effect<void>
  /** SIGKILL, as a crash would; waits until the process has exited. */
  readonly kill: Effect.Effect<void>
  /** Stops the server if it runs, then starts it again on the same store dir and, if free, the same port. */
  readonly restart: Effect.Effect<void, NatsServerError>
}

/** The service tag for a server provided by `layer`. */
export const NatsServer: Context.Tag<NatsServer, NatsServer> =
  Context.GenericTag<NatsServer>("@lyceum/nats/NatsServer")

const notInstalled = "nats-server not found: install it (apt-get install nats-server)"

// Debian installs nats-server in /usr/sbin, which is not on every user's PATH.
const fallbackDirs = ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin"]

const isExecutable = (file: string) =>
  fs.access(file, fsConstants.X_OK).then(
    () => true,
    () => false,
  )

const resolveBinary = (binary: string | undefined): Effect.Effect<string, NatsServerError> =>
  Effect.tryPromise(async () => {
    const name = binary ?? "nats-server"
    if (name.includes("/")) return (await isExecutable(name)) ? name : undefined
    const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== ""), ...fallbackDirs]
    for (const dir of dirs) {
      const candidate = path.join(dir, name)
      if (await isExecutable(candidate)) return candidate
    }
    return undefined
  }).pipe(
    Effect.orElseSucceed(() => undefined),
    Effect.flatMap((found) =>
      found === undefined
        ? Effect.fail(new NatsServerError({ reason: "NotInstalled", message: notInstalled }))
        : Effect.succeed(found),
    ),
  )

const quote = (s: string) => JSON.stringify(s)

const renderConfig = (options: NatsServerOptions, dir: string, storeDir: string, port: number): string => {
  const lines = ["host: 127.0.0.1", `port: ${port}`, `ports_file_dir: ${quote(dir)}`]
  if (options.maxPayload !== undefined) lines.push(`max_payload: ${options.maxPayload}`)
  if (options.jetstream === true) lines.push(`jetstream { store_dir: ${quote(storeDir)} }`)
  const auth = options.auth
  if (auth !== undefined) {
    lines.push(
      "token" in auth
        ? `authorization { token: ${quote(auth.token)} }`
        : `authorization { user: ${quote(auth.user)}, password: ${quote(auth.password)} }`,
    )
  }
  if (options.extraConfig !== undefined) lines.push(options.extraConfig)
  return lines.join("\n") + "\n"
}

/** One spawned server and what we learned about it. */
interface Running {
  /** The watchdog shell; it exits when the server does. */
  readonly child: ChildProcess
  /** The server's own pid (names its ports file). */
  readonly pid: number
  readonly exited: Promise<void>
  /** Resolves when the server's log pipe is closed, i.e. all of it has been read. */
  readonly logClosed: Promise<void>
  readonly log: () => string
  port: number
}

// The server runs under a small shell watchdog that holds our stdin pipe: if this Node process dies
// without running finalizers (a killed test worker), the pipe closes and the watchdog SIGKILLs the server,
// so no server outlives us. The shell prints the server's pid, then exits with it.
const watchdog = [
  'exec 3<&0; "$0" -c "$1" </dev/null & server=$!',
  'echo "$server"',
  '{ while read -r _ <&3; do :; done; kill -KILL "$server" 2>/dev/null; } &',
  "guard=$!",
  'wait "$server"; code=$?',
  'kill "$guard" 2>/dev/null',
  'exit "$code"',
].join("\n")

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

const spawnServer = (binary: string, configFile: string): Effect.Effect<Running, NatsServerError> =>
  Effect.async<Running, NatsServerError>((resume) => {
    const child = spawn("sh", ["-c", watchdog, binary, configFile], { stdio: ["pipe", "pipe", "pipe"] })
    // The server logs to stderr; keep the tail for error messages.
    let tail = ""
    child.stderr?.setEncoding("utf8")
    child.stderr?.on("data", (chunk: string) => {
      tail = (tail + chunk).slice(-4000)
    })
    const logClosed = new Promise<void>((resolve) => child.stderr?.once("close", () => resolve()))
    const exited = new Promise<void>((resolve) =>
      child.once("exit", () => {
        child.stdin?.destroy()
        resolve()
      }),
    )
    let settled = false
    const settle = (result: Effect.Effect<Running, NatsServerError>) => {
      if (settled) return
      settled = true
      resume(result)
    }
    const startFailed = (message: string, cause?: unknown) =>
      settle(Effect.fail(new NatsServerError({ reason: "StartFailed", message, cause })))
    child.once("error", (cause) => startFailed(`could not spawn ${binary}: ${cause.message}`, cause))
    child.once("exit", () => startFailed(`${binary} exited at once. Its log ends:\n${tail}`))
    let out = ""
    child.stdout?.setEncoding("utf8")
    child.stdout?.on("data", (chunk: string) => {
      out += chunk
      const newline = out.indexOf("\n")
      if (newline >= 0) {
        const pid = Number(out.slice(0, newline))
        settle(Effect.succeed({ child, pid, exited, logClosed, log: () => tail, port: 0 }))
      }
    })
  })

const signal = (running: Running, signal: NodeJS.Signals) => {
  if (hasExited(running.child)) return
  try {
    process.kill(running.pid, signal)
  } catch {
    // already gone
  }
}

const signalAndWait = (running: Running, name: NodeJS.Signals): Effect.Effect<void> =>
  Effect.promise(() => {
    signal(running, name)
    return running.exited
  })

const stopProcess = (running: Running): Effect.Effect<void> =>
  signalAndWait(running, "SIGTERM").pipe(
    Effect.timeout(Duration.seconds(5)),
    Effect.catchAll(() => signalAndWait(running, "SIGKILL")),
  )

const readPort = (portsFile: string): Effect.Effect<number | undefined> =>
  Effect.promise(() =>
    fs.readFile(portsFile, "utf8").then(
      (text) => {
        try {
          const url = (JSON.parse(text) as { nats?: ReadonlyArray<string> }).nats?.[0]
          return url === undefined ? undefined : Number(new URL(url).port)
        } catch {
          return undefined // written but not yet complete
        }
      },
      () => undefined,
    ),
  )

/** Resolves once the server sends its `INFO` line on a fresh TCP connection. */
const probe = (port: number): Effect.Effect<boolean> =>
  Effect.async<boolean>((resume) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    let received = ""
    let done = false
    const finish = (ok: boolean) => {
      if (done) return
      done = true
      socket.destroy()
      resume(Effect.succeed(ok))
    }
    socket.setEncoding("utf8")
    socket.on("data", (chunk: string) => {
      received += chunk
      if (received.startsWith("INFO ")) finish(true)
    })
    socket.on("error", () => finish(false))
    socket.on("close", () => finish(false))
    return Effect.sync(() => socket.destroy())
  })

const poll = Schedule.spaced(Duration.millis(20))

/** Spawns the server and waits until it accepts clients; on failure the process is gone. */
const launch = (
  binary: string,
  options: NatsServerOptions,
  dir: string,
  storeDir: string,
  port: number,
): Effect.Effect<Running, NatsServerError> =>
  Effect.gen(function* () {
    const configFile = path.join(dir, "nats.conf")
    yield* Effect.promise(() => fs.writeFile(configFile, renderConfig(options, dir, storeDir, port)))
    const running = yield* spawnServer(binary, configFile)
    const portsFile = path.join(dir, `nats-server_${running.pid}.ports`)
    const startFailed = (why: string) =>
      new NatsServerError({
        reason: "StartFailed",
        message: `nats-server (pid ${running.pid}, config ${configFile}) ${why}. Its log ends:\n${running.log()}`,
      })
    const ready = Effect.gen(function* () {
      if (hasExited(running.child)) {
        // Read the server's last words (why it quit) before reporting.
        yield* Effect.promise(() => running.logClosed).pipe(
          Effect.timeout(Duration.millis(500)),
          Effect.ignore,
        )
        return yield* Effect.fail(startFailed("exited during start"))
      }
      const found = yield* readPort(portsFile)
      if (found === undefined || !(yield* probe(found))) return yield* Effect.fail("not yet" as const)
      return found
    }).pipe(
      Effect.retry({ schedule: poll, while: (e) => e === "not yet" }),
      Effect.timeoutFail({
        duration: Duration.millis(options.startTimeoutMs ?? 10_000),
        onTimeout: () => startFailed(`did not accept clients within ${options.startTimeoutMs ?? 10_000} ms`),
      }),
      Effect.catchIf(
        (e) => e === "not yet",
        () => Effect.fail(startFailed("did not start")),
      ),
    )
    // Failed or interrupted: the process must not outlive the attempt.
    running.port = yield* ready.pipe(Effect.onError(() => signalAndWait(running, "SIGKILL")))
    return running
  })

/**
 * Starts a server in a fresh temp dir. Closing the scope kills it and removes the dir, JetStream store
 * included.
 */
export const make = (
  options: NatsServerOptions = {},
): Effect.Effect<NatsServer, NatsServerError, Scope.Scope> =>
  Effect.gen(function* () {
    const binary = yield* resolveBinary(options.binary)
    const dir = yield* Effect.acquireRelease(
      Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "lyceum-nats-"))),
      (dir) => Effect.promise(() => fs.rm(dir, { recursive: true, force: true })),
    )
    const storeDir = path.join(dir, "store")
    let current: Running | undefined
    const lock = yield* Effect.makeSemaphore(1)

    const halt = (how: (running: Running) => Effect.Effect<void>) =>
      Effect.suspend(() => (current === undefined ? Effect.void : how(current)))

    current = yield* Effect.acquireRelease(launch(binary, options, dir, storeDir, -1), () =>
      halt(stopProcess),
    )

    const restart = Effect.gen(function* () {
      const previousPort = current?.port ?? -1
      yield* halt(stopProcess)
      // The old port is normally free again at once; if something grabbed it, take any free port.
      current = yield* launch(binary, options, dir, storeDir, previousPort).pipe(
        Effect.orElse(() => launch(binary, options, dir, storeDir, -1)),
      )
    })

    const server: NatsServer = {
      get url() {
        return `nats://127.0.0.1:${current?.port}`
      },
      get port() {
        return current?.port ?? -1
      },
      get pid() {
        return current?.pid ?? -1
      },
      storeDir,
      stop: lock.withPermits(1)(halt(stopProcess)),
      kill: lock.withPermits(1)(halt((running) => signalAndWait(running, "SIGKILL"))),
      restart: lock.withPermits(1)(restart),
    }
    return server
  })

/** Provides a server for the lifetime of the layer. */
export const layer = (options: NatsServerOptions = {}): Layer.Layer<NatsServer, NatsServerError> =>
  Layer.scoped(NatsServer, make(options))
