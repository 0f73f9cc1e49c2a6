#!/usr/bin/env node
// Runs before the tests (root `pnpm test`): the NATS tests start real `nats-server` processes, so a fresh machine
// gets Debian's package when the user may use apt (root, or sudo without a password); otherwise this stops with
// one line saying what to install. Set LYCEUM_NO_INSTALL=1 to never install anything.
import { delimiter, join } from "node:path"
import { pathToFileURL } from "node:url"
import { aptInstall, aptPlan, executable, machine } from "./apt.mjs"

/** Where Debian and others put the binary; /usr/sbin is not on every user's PATH. */
const extraDirs = ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin"]

/** The nats-server binary on PATH or in the usual directories, or undefined. */
export const findNatsServer = (path = process.env.PATH ?? "") =>
  [...path.split(delimiter).filter(Boolean), ...extraDirs]
    .map((dir) => join(dir, "nats-server"))
    .find(executable)

/**
 * What to do, from what the machine allows: nothing, install with apt (as root or through sudo -n), or refuse
 * with the one line the user needs.
 */
export const plan = (facts) =>
  aptPlan(
    facts,
    "nats-server",
    "install nats-server >= 2.9 (Debian/Ubuntu: `sudo apt-get install nats-server`; elsewhere: https://github.com/nats-io/nats-server/releases) and run the tests again",
    "refuse",
  )

const main = () => {
  const decision = plan({ found: findNatsServer(), ...machine() })
  if (decision.action === "none") return 0
  if (decision.action === "refuse") {
    process.stderr.write(`${decision.message}\n`)
    return 1
  }
  process.stderr.write("nats-server not found: installing Debian's nats-server package for the NATS tests\n")
  const failed = aptInstall("nats-server", decision)
  if (failed !== undefined) {
    process.stderr.write(
      `\`${failed.step}\` failed (exit ${failed.status}): install nats-server by hand and run the tests again\n`,
    )
    return 1
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
