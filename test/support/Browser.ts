import { type Browser, chromium } from "playwright-core"
// @ts-expect-error: a plain .mjs script (it runs before anything is built), without type declarations
import { findChromium as findInSetup } from "../setup/ensure-chromium.mjs"

/**
 * A headless Chromium for the browser tests, driven by playwright-core (which ships no browser): Debian's
 * `chromium` package, installed by test/setup/ensure-chromium.mjs when missing, or the binary named by
 * LYCEUM_CHROMIUM. The flags keep it off the network and quiet: no updates, no background fetches, no GPU.
 */

/** The Chromium binary to drive (the one the setup script looks for), or undefined when this machine has none. */
export const findChromium = (): string | undefined => (findInSetup as () => string | undefined)()

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
