import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import Database from "better-sqlite3"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
// @ts-expect-error: a plain .mjs script (it must run before anything is built), without type declarations
import { candidates as chromiumCandidates, plan as planChromium } from "./setup/ensure-chromium.mjs"
import { findChromium, launchChromium } from "./support/Browser.js"

/**
 * `lyceum view` in a real browser: the built CLI plays three small runs into one database (quickstart twice with
 * different seeds, for compare; and an adversarial teacher whose dropped lessons keep their text, so the secret
 * IS in the file), serves it, and headless Chromium walks the app as a researcher would: runs list → run → its
 * dropped lessons → one lesson's filter decision in three clicks, with the secret never on the page; then two
 * runs compared. Screenshots go to test/artifacts/viewer/; first paint is printed. Every request the page makes
 * must go to the viewer itself (the bundle fetches nothing from the network).
 */

const execFileAsync = promisify(execFile)
const root = fileURLToPath(new URL("..", import.meta.url))
const cli = join(root, "apps/cli/dist/lyceum.js")
const artifacts = join(root, "test/artifacts/viewer")
const chromiumPath = findChromium()
if (chromiumPath === undefined)
  console.warn(
    "viewer browser test skipped: no Chromium (install Debian's `chromium`, e.g. `node test/setup/ensure-chromium.mjs` as root, or set LYCEUM_CHROMIUM)",
  )

/** How long a page may take to show something: generous, the e2e suite shares two cores with child processes. */
const soon = { timeout: 15_000 }

const droppedText = `name: dropped-text
seed: 29
rounds: [2, 4]
models:
  sim: { provider: sim }
tasks:
  - { kind: spam, testSize: 20 }
teachers: { count: 2, model: sim, dataSize: 12 }
students: { count: 1, model: sim }
methods:
  - name: attack-dropped
    strategy: adversarial-examples
    adversaries: 1
    nGen: 8
    topK: 4
    smuggle: [spaced, reversed, zero-width, spelled-digits]
    privacy: { verbatim: drop, secrets: drop }
canary: { template: spam-code, candidates: 20 }
privacy: { keepDroppedText: true }
`

describe.skipIf(chromiumPath === undefined)("lyceum view in a browser", () => {
  const dir = mkdtempSync(join(tmpdir(), "lyceum-viewer-browser-"))
  const db = join(dir, "view.db")
  let server: ChildProcess | undefined
  let browser: Browser | undefined
  let page: Page
  let base = ""
  const offsite: Array<string> = []
  const pageErrors: Array<string> = []

  const run = (file: string) => execFileAsync(process.execPath, [cli, "run", file, "--db", db], { cwd: root })
  const query = <A>(sql: string, ...params: Array<string>) => {
    const sqlite = new Database(db, { readonly: true })
    try {
      return sqlite.prepare(sql).all(...params) as Array<A>
    } finally {
      sqlite.close()
    }
  }
  const shot = (name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true })
    const quickstart = readFileSync(join(root, "scenarios/quickstart.yaml"), "utf8")
    writeFileSync(join(dir, "quickstart-8.yaml"), quickstart.replace(/^seed: 7$/m, "seed: 8"))
    writeFileSync(join(dir, "dropped-text.yaml"), droppedText)
    // The first run creates the file; the other two write into it at the same time (each is mostly start-up).
    const started = performance.now()
    await run(join(root, "scenarios/quickstart.yaml"))
    await Promise.all([run(join(dir, "quickstart-8.yaml")), run(join(dir, "dropped-text.yaml"))])
    console.log(`viewer fixtures: three runs in ${((performance.now() - started) / 1000).toFixed(1)} s`)

    server = spawn(process.execPath, [cli, "view", "--db", db, "--port", "0"], { cwd: root })
    base = await new Promise<string>((resolve, reject) => {
      let output = ""
      const timer = setTimeout(
        () => reject(new Error(`lyceum view printed no URL in 20 s:\n${output}`)),
        20_000,
      )
      const read = (chunk: Buffer) => {
        output += chunk.toString("utf8")
        const url = /http:\/\/127\.0\.0\.1:\d+\/?/.exec(output)?.[0]
        if (url !== undefined) {
          clearTimeout(timer)
          resolve(url.endsWith("/") ? url : `${url}/`)
        }
      }
      server?.stdout?.on("data", read)
      server?.stderr?.on("data", read)
      server?.on("exit", (code) =>
        reject(new Error(`lyceum view exited (${code}) before serving:\n${output}`)),
      )
    })
    browser = await launchChromium(chromiumPath ?? "")
    // Clipboard permissions: the "Copy as TSV" buttons are checked by reading the clipboard back.
    page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      permissions: ["clipboard-read", "clipboard-write"],
    })
    page.on("request", (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith("data:")) offsite.push(request.url())
    })
    page.on("pageerror", (error) => pageErrors.push(error.message))
  }, 120_000) // three runs, a server and a browser started on a loaded machine

  afterAll(async () => {
    await browser?.close()
    server?.kill("SIGTERM")
    rmSync(dir, { recursive: true, force: true })
  })

  it("lists the runs and prints the first paint", async () => {
    await page.goto(base)
    const rows = page.getByTestId("runs-table").locator("tbody tr")
    await expect.poll(() => rows.count(), soon).toBe(3)
    // Evaluated in the page (this package has no DOM types): paint entries and navigation timing, in ms.
    const paint = await page.evaluate<Record<string, number>>(`(() => {
      const out = Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, e.startTime]))
      const nav = performance.getEntriesByType("navigation")[0]
      return { ...out, domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1, runsShown: performance.getEntriesByName("lyceum:runs-shown")[0]?.startTime ?? -1 }
    })()`)
    console.log(
      `viewer first paint: first-paint ${paint["first-paint"]?.toFixed(0)} ms, first-contentful-paint ${paint["first-contentful-paint"]?.toFixed(0)} ms, DOMContentLoaded ${paint.domContentLoaded?.toFixed(0)} ms, runs table shown at ${paint.runsShown?.toFixed(0)} ms`,
    )
    expect(paint["first-contentful-paint"]).toBeGreaterThan(0)
    expect(paint.runsShown).toBeGreaterThan(0)
    await shot("runs")
  })

  it("reaches a dropped lesson's filter decision in three clicks, without the secret on the page", async () => {
    await page.goto(base)
    await page.getByRole("link", { name: "dropped-text", exact: true }).click() // 1
    await expect
      .poll(() => page.getByTestId("curve-chart-plot").locator("svg").count(), soon)
      .toBeGreaterThan(0)
    // The report's tables (learning curve, leakage, smuggling...) as real tables with rows.
    await expect
      .poll(() => page.getByTestId("tables").locator("table tbody tr").count(), soon)
      .toBeGreaterThan(0)
    await shot("run")
    await page.getByRole("link", { name: "Dropped lessons" }).click() // 2
    const secretRow = page
      .getByTestId("lessons-table")
      .locator("tbody tr", { has: page.getByRole("cell", { name: "secret", exact: true }) })
      .first()
    await secretRow.waitFor()
    await shot("lessons")
    await secretRow.getByTestId("lesson-link").click() // 3

    await expect.poll(() => page.getByTestId("decision-action").textContent(), soon).toBe("drop")
    const lessonId = decodeURIComponent(/\/lesson\/([^?]+)/.exec(page.url())?.[1] ?? "")
    const [stored] = query<{ text: string; filter_detector: string; filter_reason: string }>(
      "SELECT text, filter_detector, filter_reason FROM lessons WHERE id = ?",
      lessonId,
    )
    expect(stored?.filter_detector).toBe("secret")
    expect(await page.getByTestId("decision-detector").textContent()).toBe("secret")
    expect(await page.getByTestId("decision-reason").textContent()).toBe(stored?.filter_reason)
    // The file holds the secret in clear (keepDroppedText); the page shows it masked, and nowhere else.
    const secrets = query<{ start: number; end: number }>(
      "SELECT start, \"end\" FROM filter_findings WHERE lesson_id = ? AND detector = 'secret'",
      lessonId,
    ).map(({ start, end }) => stored?.text.slice(start, end) ?? "")
    expect(secrets.length).toBeGreaterThan(0)
    const text = await page.getByTestId("lesson-text").textContent()
    expect(text).toContain("█")
    const shown = `${await page.locator("body").textContent()}\n${await page.content()}`
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(0)
      expect(shown).not.toContain(secret)
    }
    expect(await page.getByTestId("finding-span").count()).toBeGreaterThan(0)
    await shot("lesson")
  })

  it("draws a run's summary and curves without waiting for its report tables", async () => {
    // The tables of a big run take seconds on a first visit: hold their response and the chart must still come.
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    await page.route("**/api/runs/*/tables", async (route) => {
      await held
      await route.continue()
    })
    try {
      await page.goto(base)
      await page.getByRole("link", { name: "dropped-text", exact: true }).click()
      await expect
        .poll(() => page.getByTestId("curve-chart-plot").locator("svg").count(), soon)
        .toBeGreaterThan(0)
      expect(await page.getByTestId("tables-loading").count()).toBe(1)
      expect(await page.getByTestId("scenario").count()).toBe(1)
    } finally {
      release()
    }
    await expect
      .poll(() => page.getByTestId("tables").locator("table tbody tr").count(), soon)
      .toBeGreaterThan(0)
    expect(await page.getByTestId("tables-loading").count()).toBe(0)
    await page.unroute("**/api/runs/*/tables")
  })

  it("compares two runs: overlaid curves, series toggles and the paired test", async () => {
    await page.goto(base)
    const quickstarts = query<{ id: string }>(
      "SELECT id FROM runs WHERE scenario_name = 'quickstart' ORDER BY id",
    )
    expect(quickstarts).toHaveLength(2)
    for (const { id } of quickstarts) await page.getByRole("checkbox", { name: `compare ${id}` }).check()
    await page.getByTestId("compare").click()
    const chart = page.getByTestId("compare-chart")
    const lines = page.getByTestId("compare-chart-plot").locator('g[aria-label="line"] path')
    await expect.poll(() => lines.count(), soon).toBe(2)
    expect(await chart.getAttribute("data-series")).toBe("2")
    expect(await page.getByTestId("series-toggle").count()).toBe(2)
    const paired = page.getByTestId("paired-table").locator("tbody tr")
    expect(await paired.count()).toBe(1)
    const cells = await paired.first().locator("td").allInnerTexts()
    expect(cells.slice(2, 4)).toEqual(["sms-spam", "synthetic-examples"])
    expect(Number(cells[5])).toBeGreaterThan(0)
    expect(Number(cells[5])).toBeLessThanOrEqual(1)
    // Hovering the chart over the last round shows Plot's tip with that point's values.
    const plot = page.getByTestId("compare-chart-plot")
    const chartBox = await plot.locator("svg").first().boundingBox()
    const tickBox = await plot.locator('g[aria-label="x-axis tick"] path').last().boundingBox()
    if (chartBox === null || tickBox === null) throw new Error("the compare chart has no box")
    await page.mouse.move(tickBox.x + tickBox.width / 2, chartBox.y + chartBox.height / 2)
    const tip = page.getByTestId("compare-chart-plot").locator('g[aria-label="tip"] text')
    await expect.poll(() => tip.count(), soon).toBeGreaterThan(0)
    expect(await tip.first().textContent()).toMatch(/series/)
    await shot("compare")
    await page.getByTestId("series-toggle").first().locator("input").uncheck()
    await expect.poll(() => lines.count(), soon).toBe(1)
  })

  it("sorts a table by a header click and copies it as TSV", async () => {
    const [{ id } = { id: "" }] = query<{ id: string }>(
      "SELECT id FROM runs WHERE scenario_name = 'dropped-text'",
    )
    await page.goto(`${base}#/run/${encodeURIComponent(id)}`)
    const usage = page.getByTestId("usage-table")
    await usage.waitFor()
    const header = usage.locator("th", { hasText: "Prompt tokens" })
    const column = async () =>
      (await usage.locator("tbody tr td:nth-child(8)").allTextContents()).map((text) => Number(text))
    await header.getByRole("button").click()
    expect(await header.getAttribute("aria-sort")).toBe("ascending")
    const ascending = await column()
    expect(ascending.length).toBeGreaterThan(2)
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b))
    await header.getByRole("button").click()
    expect(await header.getAttribute("aria-sort")).toBe("descending")
    expect(await column()).toEqual([...ascending].reverse())

    await page.getByTestId("usage").getByRole("button", { name: "Copy as TSV" }).click()
    await expect.poll(() => page.getByTestId("usage").getByRole("status").textContent(), soon).toBe("Copied.")
    const tsv = (await page.evaluate<string>("navigator.clipboard.readText()")).split("\n")
    expect(tsv[0]?.split("\t")).toContain("Prompt tokens")
    expect(tsv.slice(1).map((line) => Number(line.split("\t")[7]))).toEqual([...ascending].reverse())
  })

  it("filters and pages the graded answers", async () => {
    const [{ id } = { id: "" }] = query<{ id: string }>(
      "SELECT id FROM runs WHERE scenario_name = 'quickstart' ORDER BY id LIMIT 1",
    )
    const [{ wrong } = { wrong: 0 }] = query<{ wrong: number }>(
      "SELECT count(*) AS wrong FROM evaluations WHERE run_id = ? AND score = 0",
      id,
    )
    expect(wrong).toBeGreaterThan(50)
    await page.goto(`${base}#/run/${encodeURIComponent(id)}/answers`)
    await page.getByLabel("Graded").selectOption("0")
    const range = page.getByTestId("page-range")
    await expect.poll(() => range.textContent(), soon).toBe(`1–50 of ${wrong}`)
    const scores = () => page.getByTestId("answers-table").locator("tbody tr td:last-child").allTextContents()
    expect(new Set(await scores())).toEqual(new Set(["0"]))
    await shot("answers")
    await page.getByRole("button", { name: "Next →" }).click()
    await expect.poll(() => range.textContent(), soon).toBe(`51–${Math.min(100, wrong)} of ${wrong}`)
    expect(new Set(await scores())).toEqual(new Set(["0"]))
  })

  it("refreshes a running run's progress bar without reloading the page", async () => {
    // privacy-canary plays 270 steps (about a minute): long enough to watch, killed once seen moving.
    const live = spawn(
      process.execPath,
      [cli, "run", join(root, "scenarios/privacy-canary.yaml"), "--db", db],
      {
        cwd: root,
        stdio: "ignore",
      },
    )
    try {
      await expect
        .poll(() => query<{ n: number }>("SELECT count(*) AS n FROM runs WHERE status = 'running'")[0]?.n, {
          timeout: 20_000,
        })
        .toBe(1)
      await page.goto(`${base}#/?status=running`)
      const bar = page.getByTestId("runs-table").locator("tbody tr progress")
      await bar.waitFor()
      await page.evaluate("window.__sameDocument = true")
      const first = Number(await bar.getAttribute("value"))
      await expect
        .poll(async () => Number(await bar.getAttribute("value")), { timeout: 20_000 })
        .toBeGreaterThan(first)
      expect(await page.evaluate("window.__sameDocument")).toBe(true)
      await shot("running")
      // Its page too: the cohorts' steps move while it plays.
      await page.getByTestId("runs-table").getByRole("link", { name: "privacy-canary" }).click()
      const steps = async () =>
        (await page
          .getByTestId("cohorts")
          .locator("progress")
          .evaluateAll((bars) =>
            bars.reduce((sum, bar) => sum + Number(bar.getAttribute("value")), 0),
          )) as number
      await page.getByTestId("cohorts").waitFor()
      const before = await steps()
      await expect.poll(steps, { timeout: 20_000 }).toBeGreaterThan(before)
      expect(await page.evaluate("window.__sameDocument")).toBe(true)
    } finally {
      live.kill("SIGKILL")
    }
  })

  it("fetched nothing from outside the viewer and threw no errors", () => {
    expect(offsite).toEqual([])
    expect(pageErrors).toEqual([])
  })
})

describe("test/setup/ensure-chromium.mjs", () => {
  const machine = {
    found: undefined,
    platform: "linux",
    uid: 1000,
    hasApt: true,
    sudoWithoutPassword: false,
    noInstall: false,
  }

  it("installs Debian's chromium only where apt may be used, and otherwise lets the browser test skip", () => {
    expect(planChromium({ ...machine, found: "/usr/bin/chromium" })).toEqual({
      action: "none",
      binary: "/usr/bin/chromium",
    })
    expect(planChromium({ ...machine, uid: 0 })).toEqual({ action: "install", sudo: false })
    expect(planChromium({ ...machine, sudoWithoutPassword: true })).toEqual({ action: "install", sudo: true })
    for (const refused of [
      planChromium(machine),
      planChromium({ ...machine, uid: 0, hasApt: false }),
      planChromium({ ...machine, uid: 0, platform: "darwin" }),
      planChromium({ ...machine, uid: 0, noInstall: true }),
    ]) {
      expect(refused.action).toBe("skip")
      expect(refused.message).toContain("apt-get install chromium")
    }
  })

  it("looks at LYCEUM_CHROMIUM first", () => {
    expect(chromiumCandidates({ LYCEUM_CHROMIUM: "/opt/chrome/chrome" })[0]).toBe("/opt/chrome/chrome")
    expect(chromiumCandidates({})[0]).toBe("/usr/bin/chromium")
  })
})
