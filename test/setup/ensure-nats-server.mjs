#!/usr/bin/env node
// Runs before the tests (root `pnpm test`): the NATS tests start real `nats-server` processes, so a fresh machine
// gets Debian's package when the user may use apt (root, or sudo without a password); otherwise this stops with
// one line saying what to install. Set LYCEUM_NO_INSTALL=1 to never install anything.
import { spawnSync } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { delimiter, join } from "node:path"
import { pathToFileURL } from "node:url"

/** Where Debian and others put the binary; /usr/sbin is not on every user's PATH. */
const extraDirs = ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin"]

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The nats-server binary on PATH or in the usual directories, or undefined. */
export const findNatsServer = (path = process.env.PATH ?? "") =>
  [...path.split(delimiter).filter(Boolean), ...extraDirs]
    .map((dir) => join(dir, "nats-server"))
    .find(executable)

const succeeds = (command, args) => spawnSync(command, args, { stdio: "ignore" }).status === 0

/**
 * What to do, from what the machine allows: nothing, install with apt (as root or through sudo -n), or refuse
 * with the one line the user needs.
 */
export const plan = ({ found, platform, uid, hasApt, sudoWithoutPassword, noInstall }) => {
  if (found !== undefined) return { action: "none", binary: found }
  const how =
    "install nats-server >= 2.9 (Debian/Ubuntu: `sudo apt-get install nats-server`; elsewhere: https://github.com/nats-io/nats-server/releases) and run the tests again"
  if (noInstall)
    return { action: "refuse", message: `nats-server not found and LYCEUM_NO_INSTALL is set: ${how}` }
  if (platform !== "linux" || !hasApt) return { action: "refuse", message: `nats-server not found: ${how}` }
  if (uid === 0) return { action: "install", sudo: false }
  if (sudoWithoutPassword) return { action: "install", sudo: true }
  return { action: "refuse", message: `nats-server not found, and installing it needs root: ${how}` }
}

const main = () => {
  const decision = plan({
    found: findNatsServer(),
    platform: process.platform,
    uid: process.getuid?.() ?? -1,
    hasApt: succeeds("sh", ["-c", "command -v apt-get"]),
    sudoWithoutPassword: succeeds("sh", ["-c", "command -v sudo && sudo -n true"]),
    noInstall: (process.env.LYCEUM_NO_INSTALL ?? "") !== "",
  })
  if (decision.action === "none") return 0
  if (decision.action === "refuse") {
    process.stderr.write(`${decision.message}\n`)
    return 1
  }
  process.stderr.write("nats-server not found: installing Debian's nats-server package for the NATS tests\n")
  const prefix = decision.sudo ? ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"] : []
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  for (const step of [
    ["apt-get", "update", "-y"],
    ["apt-get", "install", "-y", "--no-install-recommends", "nats-server"],
  ]) {
    const [command, ...args] = [...prefix, ...step]
    const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], env })
    if (result.status !== 0) {
      process.stderr.write(
        `\`${step.join(" ")}\` failed (exit ${result.status}): install nats-server by hand and run the tests again\n`,
      )
      return 1
    }
  }
  const binary = findNatsServer()
  if (binary === undefined) {
    process.stderr.write(
      "apt-get installed nats-server but no binary was found in PATH, /usr/sbin or /usr/local\n",
    )
    return 1
  }
  process.stderr.write(`nats-server installed: ${binary}\n`)
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(main())
