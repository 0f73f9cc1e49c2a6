#!/usr/bin/env node
// Runs before the tests (root `pnpm test`): the viewer's browser test drives a real Chromium through
// playwright-core, which ships no browser, so a fresh machine gets Debian's `chromium` package when the user may
// use apt (root, or sudo without a password). Otherwise this prints one line saying what to install and exits 0:
// the browser test then skips with that reason (nothing else needs Chromium). LYCEUM_NO_INSTALL=1 never installs.
import { spawnSync } from "node:child_process"
import { accessSync, constants } from "node:fs"
import { pathToFileURL } from "node:url"

/** The binaries test/support/Browser.ts looks for, in its order. */
export const candidates = (env = process.env) =>
  [env.LYCEUM_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(
    (file) => file !== undefined && file !== "",
  )

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The Chromium binary, or undefined. */
export const findChromium = (env = process.env) => candidates(env).find(executable)

const succeeds = (command, args) => spawnSync(command, args, { stdio: "ignore" }).status === 0

/** What to do, from what the machine allows: nothing, install with apt (as root or through sudo -n), or skip. */
export const plan = ({ found, platform, uid, hasApt, sudoWithoutPassword, noInstall }) => {
  if (found !== undefined) return { action: "none", binary: found }
  const how =
    "install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) or set LYCEUM_CHROMIUM to a Chrome/Chromium binary; the viewer's browser test skips until then"
  if (noInstall) return { action: "skip", message: `Chromium not found and LYCEUM_NO_INSTALL is set: ${how}` }
  if (platform !== "linux" || !hasApt) return { action: "skip", message: `Chromium not found: ${how}` }
  if (uid === 0) return { action: "install", sudo: false }
  if (sudoWithoutPassword) return { action: "install", sudo: true }
  return { action: "skip", message: `Chromium not found, and installing it needs root: ${how}` }
}

const main = () => {
  const decision = plan({
    found: findChromium(),
    platform: process.platform,
    uid: process.getuid?.() ?? -1,
    hasApt: succeeds("sh", ["-c", "command -v apt-get"]),
    sudoWithoutPassword: succeeds("sh", ["-c", "command -v sudo && sudo -n true"]),
    noInstall: (process.env.LYCEUM_NO_INSTALL ?? "") !== "",
  })
  if (decision.action === "none") return 0
  if (decision.action === "skip") {
    process.stderr.write(`${decision.message}\n`)
    return 0
  }
  process.stderr.write(
    "Chromium not found: installing Debian's chromium package for the viewer's browser test\n",
  )
  const prefix = decision.sudo ? ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"] : []
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
  for (const step of [
    ["apt-get", "update", "-y"],
    ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
  ]) {
    const [command, ...args] = [...prefix, ...step]
    const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], env })
    if (result.status !== 0) {
      process.stderr.write(
        `\`${step.join(" ")}\` failed (exit ${result.status}): install chromium by hand; the viewer's browser test skips until then\n`,
      )
      return 0
    }
  }
  const binary = findChromium()
  process.stderr.write(
    binary === undefined
      ? "apt-get installed chromium but no binary was found at /usr/bin/chromium: set LYCEUM_CHROMIUM\n"
      : `Chromium installed: ${binary}\n`,
  )
  return 0
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(main())
