#!/usr/bin/env node
// Runs before the tests (root `pnpm test`): the viewer's browser test drives a real Chromium through
// playwright-core, which ships no browser, so a fresh machine gets Debian's `chromium` package when the user may
// use apt (root, or sudo without a password). Otherwise this prints one line saying what to install and exits 0:
// the browser test then skips with that reason (nothing else needs Chromium). LYCEUM_NO_INSTALL=1 never installs.
import { pathToFileURL } from "node:url"
import { aptInstall, aptPlan, executable, machine } from "./apt.mjs"

/** The binaries test/support/Browser.ts looks for, in its order. */
export const candidates = (env = process.env) =>
  [env.LYCEUM_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(
    (file) => file !== undefined && file !== "",
  )

/** The Chromium binary, or undefined. */
export const findChromium = (env = process.env) => candidates(env).find(executable)

/** What to do, from what the machine allows: nothing, install with apt (as root or through sudo -n), or skip. */
export const plan = (facts) =>
  aptPlan(
    facts,
    "Chromium",
    "install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`) or set LYCEUM_CHROMIUM to a Chrome/Chromium binary; the viewer's browser test skips until then",
    "skip",
  )

const main = () => {
  const decision = plan({ found: findChromium(), ...machine() })
  if (decision.action === "none") return 0
  if (decision.action === "skip") {
    process.stderr.write(`${decision.message}\n`)
    return 0
  }
  process.stderr.write(
    "Chromium not found: installing Debian's chromium package for the viewer's browser test\n",
  )
  const failed = aptInstall("chromium", decision)
  if (failed !== undefined) {
    process.stderr.write(
      `\`${failed.step}\` failed (exit ${failed.status}): install chromium by hand; the viewer's browser test skips until then\n`,
    )
    return 0
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
