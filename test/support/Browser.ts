import { accessSync, constants } from "node:fs"
import { type Browser, chromium } from "playwright-core"

/**
 * A headless Chromium for the browser tests, driven by playwright-core (which ships no browser): Debian's
 * `chromium` package, installed by test/setup/ensure-chromium.mjs when missing, or the binary named by
 * LYCEUM_CHROMIUM. The flags keep it off the network and quiet: no updates, no background fetches, no GPU.
 */

const candidates = () =>
  [process.env.LYCEUM_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(
    (file): file is string => file !== undefined && file !== "",
  )

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The Chromium binary to drive, or undefined when this machine has none. */
export const findChromium = (): string | undefined => candidates().find(executable)

export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
]

export const launchChromium = (executablePath: string): Promise<Browser> =>
  chromium.launch({ executablePath, args: chromiumFlags, headless: true, timeout: 30_000 })
