import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import Database from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script (it must run before anything is built), without type declarations
import { plan } from "./setup/ensure-nats-server.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const dir = mkdtempSync(join(tmpdir(), "lyceum-terminal-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ansi = "\u001b["
const run = (command: string, args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env },
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}
/** Runs a command under a pseudo-terminal (util-linux `script`), as a user at a terminal would. */
const inTerminal = (command: string, env: Record<string, string> = {}) =>
  run("script", ["-qec", command, "/dev/null"], env)

describe("lyceum as a command", () => {
  it("is linked into node_modules/.bin, so `npx lyceum` works from the repository root", () => {
    const linked = run(join(root, "node_modules/.bin/lyceum"), ["--version"])
    expect(linked.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    expect(linked.code).toBe(0)
    const npx = run("npx", ["--no-install", "lyceum", "--version"])
    expect(npx.stdout.trim()).toBe(linked.stdout.trim())
  })

  it("is an executable bundle with a shebang", () => {
    const direct = run(join(root, "apps/cli/dist/lyceum.js"), ["--version"])
    expect(direct.code).toBe(0)
    expect(direct.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it("names the command in a subcommand's usage: `$ lyceum run ...`", () => {
    const help = run(join(root, "node_modules/.bin/lyceum"), ["run", "--help"])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^\$ lyceum run \[--db file\]/m)
    const top = run(join(root, "node_modules/.bin/lyceum"), ["--help"])
    expect(top.stdout).toMatch(/- run \[--db file\]/)
  })

  it("prints no colour codes when piped or when NO_COLOR is set, and colour at a terminal otherwise", () => {
    const bin = join(root, "node_modules/.bin/lyceum")
    const piped = run(bin, ["--help"])
    expect(piped.stdout).toContain("USAGE")
    expect(piped.stdout).not.toContain(ansi)
    const tty = inTerminal(`${bin} --help`)
    expect(tty.stdout).toContain("USAGE")
    expect(tty.stdout).toContain(ansi)
    const noColor = inTerminal(`${bin} --help`, { NO_COLOR: "1" })
    expect(noColor.stdout).toContain("USAGE")
    expect(noColor.stdout).not.toContain(ansi)
    // A usage error goes to stderr, plain as well.
    const usage = run(bin, ["run", "--parallel", "many", "scenarios/quickstart.yaml"])
    expect(usage.code).not.toBe(0)
    expect(usage.stdout + usage.stderr).not.toContain(ansi)
  })
})

describe("a reader that closes stderr", () => {
  it("does not kill the run: `lyceum run ... 2>&1 | head -2` still completes it", async () => {
    const db = join(dir, "epipe.db")
    const child = spawn(
      join(root, "node_modules/.bin/lyceum"),
      ["run", "scenarios/quickstart.yaml", "--db", db],
      {
        cwd: root,
        stdio: ["ignore", "ignore", "pipe"],
      },
    )
    // Close our end of the pipe after the first progress line, as `head` does.
    child.stderr.once("data", () => child.stderr.destroy())
    const code = await new Promise<number | null>((done) => child.on("exit", done))
    expect(code).toBe(0)
    const sqlite = new Database(db, { readonly: true })
    expect(sqlite.prepare("SELECT status FROM runs").get()).toEqual({ status: "completed" })
    sqlite.close()
  })
})

describe("--log-level", () => {
  const bin = join(root, "node_modules/.bin/lyceum")
  it("debug shows each cohort's steps on stderr, stdout keeps only results; the default shows none", () => {
    const debug = run(bin, [
      "run",
      "scenarios/quickstart.yaml",
      "--db",
      join(dir, "debug.db"),
      "--log-level",
      "debug",
    ])
    expect(debug.code).toBe(0)
    expect(debug.stderr).toMatch(/DEBUG .*agents ready/)
    expect(debug.stderr).toMatch(/cohort: sms-spam\.synthetic-examples repeat 1/)
    expect(debug.stderr).toMatch(/DEBUG .*step 4 written/)
    expect(debug.stdout).not.toMatch(/DEBUG/)
    expect(debug.stdout).toContain("Learning curve")
    const quiet = run(bin, ["run", "scenarios/quickstart.yaml", "--db", join(dir, "quiet.db")])
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).not.toMatch(/DEBUG/)
  })
})

describe("the test set-up's nats-server step", () => {
  const machine = {
    found: undefined,
    platform: "linux",
    uid: 1000,
    hasApt: true,
    sudoWithoutPassword: false,
    noInstall: false,
  }
  it("does nothing when nats-server is there", () => {
    expect(plan({ ...machine, found: "/usr/sbin/nats-server" })).toEqual({
      action: "none",
      binary: "/usr/sbin/nats-server",
    })
  })
  it("installs Debian's package as root, or through sudo without a password", () => {
    expect(plan({ ...machine, uid: 0 })).toEqual({ action: "install", sudo: false })
    expect(plan({ ...machine, sudoWithoutPassword: true })).toEqual({ action: "install", sudo: true })
  })
  it("otherwise stops with one line that says what to install", () => {
    for (const refused of [
      plan(machine),
      plan({ ...machine, uid: 0, hasApt: false }),
      plan({ ...machine, platform: "darwin", uid: 0 }),
      plan({ ...machine, uid: 0, noInstall: true }),
    ]) {
      expect(refused.action).toBe("refuse")
      expect(refused.message).toMatch(/nats-server/)
      expect(refused.message).toMatch(/apt-get install nats-server/)
      expect(refused.message).not.toContain("\n")
    }
  })
})
