import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type EvaluationRow, makeStore, type RowBatch, Store } from "@lyceum/store"
import { Effect, Option } from "effect"
import { DomUtils, parseDocument } from "htmlparser2"
import { afterAll, describe, expect, it } from "vitest"
import { renderReport } from "../src/RenderReport.js"
import { socialLearningReport } from "../src/SocialLearningReport.js"
import { svgLineChart } from "../src/SvgChart.js"

const dir = mkdtempSync(join(tmpdir(), "lyceum-html-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A method name a user could write, which must come out as text, never as markup. */
const HOSTILE = "<script>alert(1)</script>"

const graded = (
  repeat: number,
  round: number,
  method: string,
  scores: ReadonlyArray<number>,
): Array<EvaluationRow> =>
  scores.map((score, i) => ({
    runId: "r1",
    repeat,
    round,
    student: "student-1",
    task: "sms-spam",
    method,
    n: 4 * round,
    promptLessons: 4 * round,
    metric: "accuracy",
    itemId: `i${i}`,
    answer: "spam",
    target: "spam",
    score,
  }))

/** The HTML page of a run "r1" in a fresh database file, its student and `batch` stored. */
const pageOf = (file: string, config: unknown, batch: Omit<RowBatch, "agents">) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const store = yield* makeStore({ filename: join(dir, file) })
        yield* store.createRun({
          id: "r1",
          kind: "social-learning",
          scenarioName: "html",
          scenarioPath: "html.yaml",
          scenarioText: "name: html\n",
          seed: 3,
          versions: { lyceum: "test", node: process.version },
          config,
        })
        yield* store.writeBatch({
          agents: [
            {
              runId: "r1",
              agentId: "student-1",
              role: "student",
              kind: "social-learning",
              model: "sim",
              dataSize: null,
            },
          ],
          ...batch,
        })
        const run = Option.getOrThrow(yield* store.getRun("r1"))
        return yield* renderReport({ format: "html", run, report: socialLearningReport }).pipe(
          Effect.provideService(Store, store),
        )
      }),
    ),
  )

const render = () =>
  pageOf(
    "report.db",
    { canary: { template: "spam-code", candidates: 100 } },
    {
      evaluations: [0, 1].flatMap((repeat) =>
        [0, 1, 2].flatMap((round) => [
          ...graded(repeat, round, "original-examples", [1, round > 0 ? 1 : 0, 0, repeat]),
          ...graded(repeat, round, HOSTILE, [round > 1 ? 1 : 0, 0, 0, 0]),
        ]),
      ),
      leakage: [0, 1, 2].flatMap((repeat) =>
        ["original-examples", HOSTILE].map((method, m) => ({
          runId: "r1",
          repeat,
          round: 2,
          task: "sms-spam",
          method,
          teacher: null,
          student: "student-1",
          metric: "canary_rank",
          value: m === 0 ? 0 : 40 + repeat,
        })),
      ),
    },
  )

describe("HTML report", () => {
  it("draws the learning curves, the methods table and the canary ranks, all as inert markup", async () => {
    const page = await render()
    const doc = parseDocument(page)
    const headings = DomUtils.getElementsByTagName("h2", doc).map((h) => DomUtils.textContent(h))
    expect(headings).toEqual(["Learning curves", "Methods × tasks", "Leakage"])
    // The hostile method name is text wherever it appears: the page's one script is its own, the name escaped.
    const scripts = DomUtils.getElementsByTagName("script", doc)
    expect(scripts).toHaveLength(1)
    expect(DomUtils.textContent(scripts[0]!)).not.toContain("alert(1)")
    expect(page).toContain("&lt;script&gt;")

    const [curve, strip] = DomUtils.getElementsByTagName("svg", doc)
    const byClass = (name: string, root: NonNullable<typeof curve>) =>
      DomUtils.findAll((e) => e.attribs.class === name, [root])
    const series = byClass("series", curve!)
    expect(series.map((g) => g.attribs["data-label"]).sort()).toEqual([HOSTILE, "original-examples"].sort())
    const seriesOf = (label: string) => series.find((g) => g.attribs["data-label"] === label)!
    // One marker per round, at x = n, and a band (two repeats give a standard error).
    for (const g of series) {
      expect(DomUtils.getElementsByTagName("circle", g)).toHaveLength(3)
      expect(byClass("band", g)).toHaveLength(1)
    }
    const paths = DomUtils.getElementsByTagName("path", curve!).map((p) => p.attribs.d ?? "")
    for (const d of paths) expect(d).toMatch(/^M[\d.,LZ\s-]+$/)
    // original-examples: round 2 mean is (1 + 1 + 0 + 0.5) / 4 = 0.625, drawn above the other method's 0.25.
    const last = (g: (typeof series)[number]) =>
      Number(DomUtils.getElementsByTagName("circle", g).at(-1)!.attribs.cy)
    expect(last(seriesOf("original-examples"))).toBeLessThan(last(seriesOf(HOSTILE)))

    const strips = byClass("strip", strip!)
    expect(strips.map((g) => DomUtils.getElementsByTagName("circle", g).length)).toEqual([3, 3])
    const xs = (label: string) =>
      DomUtils.getElementsByTagName("circle", strips.find((g) => g.attribs["data-label"] === label)!).map(
        (c) => Number(c.attribs.cx),
      )
    // Rank 0 every trial sits left of ranks 40–42.
    expect(Math.max(...xs("sms-spam · original-examples"))).toBeLessThan(
      Math.min(...xs(`sms-spam · ${HOSTILE}`)),
    )
    expect(DomUtils.textContent(strip!)).toContain("chance 49.50")
  })

  it("charts the cultural gap and each culture's accuracy when the run has probes", async () => {
    const labels = ["us", "us", "kenya", "kenya"]
    const page = await pageOf(
      "cultures.db",
      {},
      {
        itemLabels: labels.map((culture, i) => ({
          runId: "r1",
          task: "sms-spam",
          itemId: `i${i}`,
          culture,
          topic: "food",
        })),
        evaluations: [0, 1].flatMap((round) =>
          graded(0, round, "shared", round === 0 ? [1, 1, 0, 0] : [1, 1, 1, 0]),
        ),
      },
    )
    const doc = parseDocument(page)
    const cultures = DomUtils.getElementsByTagName("section", doc).find(
      (sec) => DomUtils.textContent(DomUtils.getElementsByTagName("h2", sec)[0]!) === "Cultures",
    )!
    const [gap, perCulture] = DomUtils.getElementsByTagName("svg", cultures)
    const labelsOf = (svg: typeof gap) =>
      DomUtils.findAll((e) => e.attribs.class === "series", [svg!]).map((g) => g.attribs["data-label"])
    expect(labelsOf(gap)).toEqual(["sms-spam · shared"])
    expect(labelsOf(perCulture)).toEqual(["kenya", "us"])
    // Kenya went from 0 to 0.5: its last marker sits higher (smaller y) than its first.
    const kenya = DomUtils.findAll((e) => e.attribs["data-label"] === "kenya", [perCulture!])[0]!
    const ys = DomUtils.getElementsByTagName("circle", kenya).map((c) => Number(c.attribs.cy))
    expect(ys[1]!).toBeLessThan(ys[0]!)
  })

  it("adds the paper's Table 1 only when the run compares original and generated examples", async () => {
    const pageWith = (methods: ReadonlyArray<string>, file: string) =>
      pageOf(
        file,
        {},
        {
          evaluations: methods.flatMap((method) =>
            [0, 1].flatMap((round) => graded(0, round, method, [1, 0, 1, round])),
          ),
        },
      )
    expect(await pageWith(["original-examples", "synthetic-examples"], "t1-both.db")).toContain("O / G")
    expect(await pageWith(["synthetic-examples"], "t1-one.db")).not.toContain("O / G")
  })

  it("keeps a chart whole when every point shares one x or a series has a single point", () => {
    const svg = svgLineChart([{ label: "one", points: [{ x: 0, y: 0.5 }] }], {
      title: "t",
      xLabel: "x",
      yLabel: "y",
    })
    expect(svg).not.toContain("NaN")
    expect(svg).toContain("<circle")
  })
})
