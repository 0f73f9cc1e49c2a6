/**
 * Test hosts as Linux network namespaces: each host is a namespace with `lo` and one `eth0` (a veth) plugged
 * into a bridge that lives in a private "switch" namespace, all on a random 10.x.y.0/24. Nothing is added to
 * the root namespace, so the addresses cannot clash with the machine's. `cut` unplugs a host's cable at the
 * switch (the switch-side veth goes down): the host's processes keep running, its TCP connections are not
 * reset, packets just stop, as when a cable is pulled or a route dies; `restore` plugs it back in.
 *
 * Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN): `netnsUnavailable` tries once and says why not.
 */
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from "node:child_process"
import { accessSync, constants, writeFileSync } from "node:fs"
import { delimiter, join } from "node:path"
import { afterEach } from "vitest"

const prefix = "lyc-"
let made = 0

const ip = (...args: Array<string>) =>
  execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] }).toString()

const errorText = (error: unknown) => {
  const e = error as { stderr?: Buffer; message?: string }
  return (e.stderr?.toString().trim() || e.message || String(error)).split("\n")[0]
}

/** Why the test network cannot be made here (found by trying it), or undefined when it can. */
export const netnsUnavailable = (): string | undefined => {
  if (process.platform !== "linux") return `network namespaces need Linux (this is ${process.platform})`
  const probe = `${prefix}${process.pid}-probe${made++}`
  try {
    ip("netns", "add", probe)
  } catch (error) {
    return `cannot create a network namespace (ip netns add: ${errorText(error)}); run as root or with CAP_SYS_ADMIN`
  }
  // The network itself needs CAP_NET_ADMIN and the bridge and veth drivers: try them in the probe too.
  try {
    ip("-n", probe, "link", "add", "br0", "type", "bridge")
    ip("-n", probe, "link", "add", "p0", "type", "veth", "peer", "name", "p1")
    return undefined
  } catch (error) {
    return `cannot make a bridge and veth pair in a namespace (${errorText(error)}); run as root or with CAP_NET_ADMIN`
  } finally {
    ip("netns", "del", probe)
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Kills every process still inside the namespace (orphans of a killed run too), then deletes it. */
const removeNamespace = (ns: string) => {
  try {
    for (const pid of ip("netns", "pids", ns)
      .split("\n")
      .filter((line) => line !== "")) {
      try {
        process.kill(Number(pid), "SIGKILL")
      } catch {
        // already gone
      }
    }
    // Deleting the namespace destroys its veth ends and so their peers in the other namespaces.
    ip("netns", "del", ns)
  } catch {
    // already gone
  }
}

/** Namespaces left by a run whose process is gone (a crash, a SIGKILLed test worker): removed before we start. */
const removeStale = () => {
  for (const line of ip("netns", "list").split("\n")) {
    const name = line.split(" ")[0] ?? ""
    const owner = /^lyc-(\d+)-/.exec(name)
    if (owner !== null && !alive(Number(owner[1]))) removeNamespace(name)
  }
}

export interface NetnsHost {
  readonly name: string
  /** The namespace, for `ip netns exec`. */
  readonly ns: string
  /** Its eth0 address on the test network. */
  readonly address: string
}

/** A process started in a host namespace, with its stdout and stderr lines as they arrive. */
export interface HostProcess {
  readonly child: ChildProcess
  readonly lines: Array<string>
  /** Resolves with the first line (already seen or to come) matching `pattern`; rejects after `timeoutMs` or on exit. */
  readonly waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>
  /** Resolves with the exit code (or signal) when the process has exited. */
  readonly exited: Promise<number | string>
}

export interface Netns {
  readonly host: (name: string) => NetnsHost
  /** Spawns `command args` inside the host's namespace (`ip netns exec`, which execs: the child's pid is the command's). */
  readonly exec: (
    host: string,
    command: string,
    args: ReadonlyArray<string>,
    options?: SpawnOptions,
  ) => HostProcess
  /** Unplugs the host: the switch-side end of its veth goes down; nothing running on it is touched. */
  readonly cut: (host: string) => void
  /** Plugs the host back in. */
  readonly restore: (host: string) => void
  /** Kills every process started in the namespaces and deletes them with their links. Idempotent. */
  readonly destroy: () => void
}

const watch = (child: ChildProcess): HostProcess => {
  const lines: Array<string> = []
  const waiters = new Set<(line: string) => void>()
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  )
  for (const stream of [child.stdout, child.stderr]) {
    let partial = ""
    stream?.setEncoding("utf8")
    stream?.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n")
      partial = parts.pop() ?? ""
      for (const line of parts) {
        lines.push(line)
        for (const waiter of waiters) waiter(line)
      }
    })
  }
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((line) => pattern.test(line))
      if (seen !== undefined) return resolve(seen)
      const done = () => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      const check = (line: string) => {
        if (!pattern.test(line)) return
        done()
        resolve(line)
      }
      const fail = (why: string) => {
        done()
        reject(
          new Error(`${why} before a line matched ${pattern}; its output:\n${lines.slice(-30).join("\n")}`),
        )
      }
      const timer = setTimeout(() => fail(`waited ${timeoutMs} ms`), timeoutMs)
      waiters.add(check)
      void exited.then((code) => waiters.has(check) && fail(`the process exited (${code})`))
    })
  return { child, lines, waitFor, exited }
}

/**
 * Makes one namespace per name, all wired to one switch; call `destroy` when done (`useNetns` does it in
 * `afterAll`, and on process exit as a fallback). Names are unique per process, so parallel test files and
 * leftovers from a crashed run do not collide.
 */
export const createNetns = (names: ReadonlyArray<string>): Netns => {
  removeStale()
  const tag = `${prefix}${process.pid}-${made++}`
  const subnet = `10.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}`
  const switchNs = `${tag}-switch`
  const hosts = new Map<string, NetnsHost & { readonly port: string }>()
  const children: Array<ChildProcess> = []
  const namespaces: Array<string> = []
  let destroyed = false
  const destroy = () => {
    if (destroyed) return
    destroyed = true
    process.off("exit", destroy)
    for (const child of children) child.kill("SIGKILL")
    for (const ns of namespaces) removeNamespace(ns)
  }
  process.on("exit", destroy)
  const addNamespace = (ns: string) => {
    ip("netns", "add", ns)
    namespaces.push(ns)
    ip("-n", ns, "link", "set", "lo", "up")
  }
  try {
    addNamespace(switchNs)
    ip("-n", switchNs, "link", "add", "br0", "type", "bridge")
    ip("-n", switchNs, "link", "set", "br0", "up")
    names.forEach((name, i) => {
      const ns = `${tag}-${name}`
      const port = `p${i}`
      const address = `${subnet}.${i + 1}`
      addNamespace(ns)
      ip("-n", switchNs, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns)
      ip("-n", switchNs, "link", "set", port, "master", "br0")
      ip("-n", switchNs, "link", "set", port, "up")
      ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0")
      ip("-n", ns, "link", "set", "eth0", "up")
      hosts.set(name, { name, ns, address, port })
    })
  } catch (error) {
    destroy()
    throw new Error(`could not build the test network: ${errorText(error)}`, { cause: error })
  }
  const host = (name: string) => {
    const found = hosts.get(name)
    if (found === undefined)
      throw new Error(`no test host named ${name} (hosts: ${[...hosts.keys()].join(", ")})`)
    return found
  }
  return {
    host,
    exec: (name, command, args, options = {}) => {
      const child = spawn("ip", ["netns", "exec", host(name).ns, command, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
        ...options,
      })
      children.push(child)
      return watch(child)
    },
    cut: (name) => void ip("-n", switchNs, "link", "set", host(name).port, "down"),
    restore: (name) => void ip("-n", switchNs, "link", "set", host(name).port, "up"),
    destroy,
  }
}

const natsServerBinary = () =>
  [...(process.env.PATH ?? "").split(delimiter).filter((dir) => dir !== ""), "/usr/sbin", "/usr/local/sbin"]
    .map((dir) => join(dir, "nats-server"))
    .find((file) => {
      try {
        accessSync(file, constants.X_OK)
        return true
      } catch {
        return false
      }
    })

/**
 * nats-server on `host`'s address, port 4222, with JetStream (config and store under `dir`). It pings every
 * client each second and drops one after two unanswered pings, so a cut-off client is noticed in ~3 s rather
 * than minutes. Resolves once the server says it is ready.
 */
export const natsServerOn = async (net: Netns, host: string, dir: string) => {
  const binary = natsServerBinary()
  if (binary === undefined) throw new Error("nats-server not found: install it (apt-get install nats-server)")
  const address = net.host(host).address
  const configFile = join(dir, `nats-${host}.conf`)
  writeFileSync(
    configFile,
    [
      `listen: "${address}:4222"`,
      'ping_interval: "1s"',
      "ping_max: 2",
      `jetstream { store_dir: ${JSON.stringify(join(dir, `jetstream-${host}`))} }`,
    ].join("\n"),
  )
  const server = net.exec(host, binary, ["-c", configFile])
  await server.waitFor(/Server is ready/)
  return { ...server, url: `nats://${address}:4222` }
}

/**
 * For a test file: probes once whether namespaces can be made (printing why not, for `describe.skipIf`);
 * `make` builds a test's hosts, and they are always torn down after that test, passed, failed or timed out.
 */
export const useNetns = () => {
  const skip = netnsUnavailable()
  if (skip !== undefined) console.warn(`multi-host tests skipped: ${skip}`)
  const made: Array<Netns> = []
  afterEach(() => {
    for (const net of made.splice(0)) net.destroy()
  })
  return {
    skip,
    make: (names: ReadonlyArray<string>) => {
      const net = createNetns(names)
      made.push(net)
      return net
    },
  }
}
