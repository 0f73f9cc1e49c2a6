import { existsSync } from "node:fs"
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { makeRng } from "@lyceum/core"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseBlendAnnotations } from "../src/cultural/Blend.js"
import { countryMentions, culturesOf } from "../src/cultural/CountryAliases.js"
import {
  geoMlamaFiles,
  geoMlamaLanguages,
  parseGeoMlama,
  parseGeoMlamaParaphrases,
  parseGeoMlamaPrompts,
} from "../src/cultural/GeoMlama.js"
import { loadProbeFile } from "../src/cultural/ProbeFile.js"
import type { ProbeItem } from "../src/cultural/ProbeItem.js"
import { parseShenJson, shenProbes } from "../src/cultural/ShenJson.js"

/** A probe's culture comes from what the file says, never from where the row stands. */

const fixtures = join(import.meta.dirname, "fixtures", "cultural")
const real = "/work/shared/datasets/cultural"
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const flip = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(effect))

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lyceum-provenance-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const head = "Prompt\tCorresponding Questions\tAns\tCandidate Ans\tContext\n"
const row = (prompt: string, question: string, gold: string) =>
  `${prompt}\t${question}\t${gold}\tright, left, middle\tdriving side\n`
const driving = {
  kenya: row("In Kenya, people drive on the <mask>.", "Which side in Kenya?", "left"),
  iran: row("In Iran, people drive on the <mask>.", "Which side in Iran?", "right"),
  us: row("In the United States, people drive on the <mask>.", "Which side in the US?", "right"),
  india: row("In India, people drive on the <mask>.", "Which side in India?", "left"),
  china: row("In China, people drive on the <mask>.", "Which side in China?", "right"),
}
const cultureByQuestion = (probes: ReadonlyArray<ProbeItem>) =>
  new Map(probes.map((probe) => [probe.question, probe.culture]))

describe("country mentions", () => {
  it("finds names and demonyms as whole words, in every script of the datasets", () => {
    const named = (text: string) => culturesOf(countryMentions(text))
    expect(named("Tell us about the US and the United States.")).toEqual(["us"])
    expect(named("Irangate was a scandal; Kenyans run.")).toEqual(["kenya"])
    expect(named("Wamarekani na Wakenya; nchini uajemi")).toEqual(["us", "kenya", "iran"])
    expect(named("在肯尼亚和美国")).toEqual(["kenya", "us"])
    // Hindi: a vowel sign belongs to the word; the adjectival -ī ending is the country's.
    expect(named("भारतीय और केन्याई")).toEqual(["india", "kenya"])
    expect(named("केन्याी लोग")).toEqual(["kenya"])
    // Persian: "هند" (India) is not inside "میدهند" (they give); "آمریکایی" is American.
    expect(named("میدهند")).toEqual([])
    expect(named("آمریکایی ها و کنیای ها")).toEqual(["us", "kenya"])
    expect(countryMentions("in the United States")[0]).toEqual({
      culture: "us",
      index: 3,
      form: "the United States",
    })
  })
})

describe("GeoMLaMA cultures come from the prompts", () => {
  it("labels rows by the country they name, whatever their order", async () => {
    const text = `${head}${driving.kenya}${driving.iran}${driving.us}${driving.india}${driving.china}`
    const probes = await run(parseGeoMlama(text, "g.tsv", "en"))
    // Position would say us, china, india, iran, kenya.
    expect(probes.map((p) => p.culture)).toEqual(["kenya", "iran", "us", "india", "china"])
    expect(probes.map((p) => p.answers[0])).toEqual(["left", "right", "right", "left", "right"])
  })

  it("falls back to the question column, then to the one country the group lacks", async () => {
    const typo = row("Drivers in Inida keep to the <mask>.", "Which side in India?", "left")
    const fromQuestion = await run(parseGeoMlama(`${head}${typo}`, "q.tsv", "en"))
    expect(fromQuestion[0]!.culture).toBe("india")
    const hindu = row("In Hindu weddings, brides wear <mask>.", "What do Hindu brides wear?", "left")
    const group = `${head}${driving.us}${driving.china}${hindu}${driving.iran}${driving.kenya}`
    expect((await run(parseGeoMlama(group, "h.tsv", "en")))[2]!.culture).toBe("india")
  })

  it("fails at the line of a row whose country cannot be told, or is told twice differently", async () => {
    const none = row("People drive on the <mask>.", "Which side?", "left")
    const two = `${head}${driving.us}${none}${none}${driving.iran}${driving.kenya}`
    const error = await flip(parseGeoMlama(two, "n.tsv", "en"))
    expect(error).toMatchObject({ _tag: "MalformedLine", file: "n.tsv", line: 3 })
    expect(error.message).toContain("n.tsv:3: expected a prompt or question naming its country")
    const contradicting = row("In China, people drive on the <mask>.", "Which side in India?", "right")
    const clash = await flip(parseGeoMlama(`${head}${contradicting}`, "c.tsv", "en"))
    expect(clash).toMatchObject({
      line: 2,
      message: expect.stringContaining("naming china and a question naming india"),
    })
    const both = row("In China and India, people drive on the <mask>.", "Which side?", "right")
    expect(await flip(parseGeoMlama(`${head}${both}`, "b.tsv", "en"))).toMatchObject({ line: 2 })
  })

  it("never gives the country a group lacks to a row that names another country (France is not Kenya)", async () => {
    const france = row("In France, people drive on the <mask>.", "Which side in France?", "right")
    const group = `${head}${driving.us}${driving.china}${driving.india}${driving.iran}${france}`
    expect(await flip(parseGeoMlama(group, "f.tsv", "en"))).toMatchObject({
      _tag: "MalformedLine",
      line: 6,
      message: expect.stringContaining("found a prompt or question naming France"),
    })
    // In the file's own language too (Swahili: Ufaransa).
    const ufaransa = row("Nchini Ufaransa, watu huendesha upande wa <mask>.", "Upande gani?", "right")
    const sw = `${head}${driving.us}${driving.china}${driving.india}${driving.iran}${ufaransa}`
    expect(await flip(parseGeoMlama(sw, "gd_prompt_sw.tsv", "sw"))).toMatchObject({
      line: 6,
      message: expect.stringContaining("naming Ufaransa"),
    })
  })

  it("matches paraphrases to the prompt of their group that names the same country", async () => {
    const base = `${head}${driving.kenya}${driving.iran}${driving.us}${driving.india}${driving.china}`
    const prompts = await run(parseGeoMlamaPrompts(base, "b.tsv", "en"))
    // Four paraphrases per country, in any order.
    const valid = ["Kenya", "Iran", "United States", "India", "China"].flatMap((c) =>
      Array.from({ length: 4 }, (_, k) => `Variant ${k} for ${c}: keep <mask>.`),
    )
    const paraphrases = await run(parseGeoMlamaParaphrases(`${valid.join("\n")}\n`, "a.tsv", prompts))
    expect(paraphrases.map((p) => [p.id, p.culture, p.answers[0]]).slice(0, 5)).toEqual([
      ["geomlama-en-1-p1", "kenya", "left"],
      ["geomlama-en-1-p2", "kenya", "left"],
      ["geomlama-en-1-p3", "kenya", "left"],
      ["geomlama-en-1-p4", "kenya", "left"],
      ["geomlama-en-2-p1", "iran", "right"],
    ])
    const uneven = [...valid.slice(0, 3), "Variant 4 for China: keep <mask>.", ...valid.slice(4)]
    const fifth = await flip(parseGeoMlamaParaphrases(`${uneven.join("\n")}\n`, "a.tsv", prompts))
    expect(fifth).toMatchObject({ file: "a.tsv", line: 20, message: expect.stringContaining("a fifth") })
    const nameless = [...valid.slice(0, 3), "Cars keep <mask>.", ...valid.slice(4)]
    const missing = await flip(parseGeoMlamaParaphrases(`${nameless.join("\n")}\n`, "a.tsv", prompts))
    expect(missing).toMatchObject({ line: 4, message: expect.stringContaining("naming one country") })
    const japan = [...valid.slice(0, 3), "Cars in Japan keep <mask>.", ...valid.slice(4)]
    const elsewhere = await flip(parseGeoMlamaParaphrases(`${japan.join("\n")}\n`, "a.tsv", prompts))
    expect(elsewhere).toMatchObject({
      line: 4,
      message: expect.stringContaining("0 prompts there for japan"),
    })
  })
})

/** A GeoMLaMA file's header and its question groups (blank-row separated), each a list of rows. */
const groupsOf = (text: string) => {
  const [header = "", ...rows] = text.replace(/\r/g, "").split("\n")
  const groups: Array<Array<string>> = [[]]
  for (const line of rows) {
    if (line.replace(/\t/g, "").trim() === "") {
      if (groups.at(-1)!.length > 0) groups.push([])
    } else groups.at(-1)!.push(line)
  }
  return { header, groups: groups.filter((group) => group.length > 0) }
}
const blank = "\t\t\t\t"

describe.skipIf(!existsSync(join(real, "geomlama")))("GeoMLaMA's real files, reordered", () => {
  it("give every prompt the same culture in any group and row order, 25 per country", async () => {
    const rng = makeRng(11)
    for (const language of geoMlamaLanguages) {
      const file = geoMlamaFiles(join(real, "geomlama"), language).base
      const text = await readFile(file, "utf8")
      const original = await run(parseGeoMlama(text, file, language))
      const counts = Object.fromEntries(
        ["us", "china", "india", "iran", "kenya"].map((c) => [
          c,
          original.filter((p) => p.culture === c).length,
        ]),
      )
      expect(counts, language).toEqual({ us: 25, china: 25, india: 25, iran: 25, kenya: 25 })
      const { header, groups } = groupsOf(text)
      const shuffled = rng
        .shuffle(groups)
        .map((group) => rng.shuffle(group).join("\n"))
        .join(`\n${blank}\n`)
      const reordered = await run(parseGeoMlama(`${header}\n${shuffled}\n`, "shuffled.tsv", language))
      expect(cultureByQuestion(reordered), language).toEqual(cultureByQuestion(original))
    }
    // English names every country in the prompt or its question, so even rows without groups are labelled.
    const en = await readFile(geoMlamaFiles(join(real, "geomlama"), "en").base, "utf8")
    const { header, groups } = groupsOf(en)
    const flat = rng.shuffle(groups.flat()).join("\n")
    const original = await run(parseGeoMlama(en, "en.tsv", "en"))
    expect(cultureByQuestion(await run(parseGeoMlama(`${header}\n${flat}\n`, "flat.tsv", "en")))).toEqual(
      cultureByQuestion(original),
    )
  })

  it("match paraphrases by country when rows are reordered within their groups", async () => {
    const rng = makeRng(12)
    for (const language of geoMlamaLanguages) {
      const files = geoMlamaFiles(join(real, "geomlama"), language)
      const text = await readFile(files.base, "utf8")
      const aug = (await readFile(files.paraphrases, "utf8")).replace(/\r/g, "").split("\n")
      const prompts = await run(parseGeoMlamaPrompts(text, files.base, language))
      const original = await run(parseGeoMlamaParaphrases(aug.join("\n"), files.paraphrases, prompts))
      const { header, groups } = groupsOf(text)
      const base = groups.map((group) => rng.shuffle(group).join("\n")).join(`\n${blank}\n`)
      const blocks = Array.from({ length: groups.length }, (_, k) =>
        rng.shuffle(aug.slice(20 * k, 20 * k + 20)),
      )
      const shuffledPrompts = await run(parseGeoMlamaPrompts(`${header}\n${base}\n`, "b.tsv", language))
      const reordered = await run(
        parseGeoMlamaParaphrases(blocks.flat().join("\n"), "a.tsv", shuffledPrompts),
      )
      const key = (probes: ReadonlyArray<ProbeItem>) =>
        new Map(probes.map((p) => [p.question, `${p.culture} ${p.answers.join("/")}`]))
      expect(key(reordered), language).toEqual(key(original))
      expect(
        original.filter((p) => p.culture === "iran"),
        language,
      ).toHaveLength(100)
    }
  })
})

describe("Shen et al. keys must agree with the entries", () => {
  const probes = async (json: string, task: "qa" | "country-prediction" | "verification") =>
    shenProbes(await run(parseShenJson(json, "s.json")), task, "s.json")
  const qa = (sentence: string) =>
    JSON.stringify({
      prompt: `Choose the best option to fill in the blank in the following sentence: ${sentence}\nOptions: right, left\nAnswer in the json format of {"Answer": }.`,
      answer: "left",
    })

  it("rejects a qa sentence, a country-prediction gold or a verification prompt about another country", async () => {
    const misfiled = `{"en": {"Iran": [\n${qa("In Kenya, people drive on the <mask>.")}]}}`
    expect(await flip(await probes(misfiled, "qa"))).toMatchObject({
      line: 2,
      message: expect.stringContaining("a prompt about Iran, its key"),
    })
    const candle = '{"en": {"Kenya": [\n{"prompt": "Complete: <mask> tea.", "answer": "Indian"}]}}'
    expect(await flip(await probes(candle, "country-prediction"))).toMatchObject({
      line: 2,
      message: expect.stringContaining('"Indian" (india)'),
    })
    const verification =
      '{"en": {"China": [\n{"prompt": "Water boils. Is this True or False in India? Answer.", "answer": "True"}]}}'
    expect(await flip(await probes(verification, "verification"))).toMatchObject({ line: 2 })
  })

  it("keeps keys outside the built-in cultures, and numbers probes per culture", async () => {
    const json = `{"en": {"US": [${qa("In the US, people drive on the <mask>.")}], "the United States": [${qa(
      "In the United States, people drive on the <mask>.",
    )}], "Peru": [${qa("In Peru, people drive on the <mask>.")}]}}`
    const out = await run(await probes(json, "qa"))
    expect(out.map((p) => [p.id, p.culture])).toEqual([
      ["shen2024-qa-en-us-1", "us"],
      ["shen2024-qa-en-us-2", "us"],
      ["shen2024-qa-en-peru-1", "peru"],
    ])
  })
})

describe("BLEnD regions are checked against the questions", () => {
  const entry = (question: string) =>
    JSON.stringify({
      question,
      en_question: question,
      annotations: [{ answers: ["tea"], en_answers: ["tea"], count: 3 }],
    })

  it("fails when a file's questions are about another region than its name, or about none", async () => {
    const uk = `{\n"q1": ${entry("What do people drink in the US?")},\n"q2": ${entry("What do people drink in UK?")}\n}`
    const error = await flip(parseBlendAnnotations(uk, "US_data.json", "US"))
    expect(error).toMatchObject({ _tag: "MalformedLine", file: "US_data.json", line: 3 })
    expect(error.message).toContain('question "q2" about US, the region this file is named for')
    expect(error.message).toContain("one about UK")
    const none = `{\n"q1": ${entry("What do people drink?")}\n}`
    expect(await flip(parseBlendAnnotations(none, "US_data.json", "US"))).toMatchObject({ line: 2 })
    const unknown = await flip(parseBlendAnnotations("{}", "France_data.json", "France"))
    expect(unknown).toMatchObject({ line: 1, message: expect.stringContaining("a BLEnD region") })
    const korea = `{\n"q1": ${entry("What do people eat in North Korea?")}\n}`
    const questions = await run(parseBlendAnnotations(korea, "North_Korea_data.json", "North_Korea"))
    expect(questions[0]!.region).toBe("North_Korea")
  })
})

describe("CANDLE assertions", () => {
  it("take the culture from the subject, and skip assertions that would show the answer twice", async () => {
    const file = join(dir, "candle.jsonl")
    const line = (subject: string, assertion: string) =>
      JSON.stringify({ domain: "countries", subject, facet: "food", assertion })
    await writeFile(
      file,
      [
        line("Kenya", "Ugali is a staple food in Kenya."),
        line("United States", "Americans eat turkey on Thanksgiving in America."),
        line("India", "Chai is popular in India."),
      ].join("\n"),
    )
    const probes = await run(loadProbeFile(file, "candle"))
    expect(probes.map((p) => [p.id, p.culture, p.question])).toEqual([
      ["candle-1", "kenya", "Ugali is a staple food in ___."],
      ["candle-3", "india", "Chai is popular in ___."],
    ])
  })
})

describe("loadProbeFile", () => {
  it("reads every format, cultures from the files", async () => {
    const geomlama = await run(loadProbeFile(join(fixtures, "geomlama", "gd_prompt_xx.tsv"), "geomlama"))
    expect(geomlama).toHaveLength(15)
    expect(geomlama[0]).toMatchObject({ id: "geomlama-xx-1", language: "xx", culture: "us" })
    const withParaphrases = await run(
      loadProbeFile(join(fixtures, "geomlama", "gd_prompt_xx.tsv"), "geomlama", { paraphrases: true }),
    )
    expect(withParaphrases).toHaveLength(75)
    const shen = await run(loadProbeFile(join(fixtures, "shen", "qa.json"), "shen", { task: "qa" }))
    expect(shen.map((p) => p.culture)).toEqual(["us", "us", "kenya", "china"])
    expect(await flip(loadProbeFile(join(fixtures, "shen", "qa.json"), "shen"))).toMatchObject({
      _tag: "MalformedLine",
      message: expect.stringContaining("task"),
    })
    const candle = await run(loadProbeFile(join(fixtures, "candle", "assertions.jsonl"), "candle"))
    expect(candle.map((p) => p.culture)).toEqual(["japan", "us", "iran"])
    const blend = await run(loadProbeFile(join(fixtures, "blend"), "blend"))
    expect(blend.map((p) => p.culture)).toEqual(["us", "us"])
    expect(await flip(loadProbeFile(join(dir, "nothing"), "blend"))).toMatchObject({
      _tag: "DataFileUnreadable",
      message: expect.stringContaining("BLEnD's data directory"),
    })
    await mkdir(join(dir, "empty", "annotations"), { recursive: true })
    expect(await flip(loadProbeFile(join(dir, "empty"), "blend"))).toMatchObject({
      _tag: "DataFileUnreadable",
    })
    const renamed = join(dir, "drive.tsv")
    await writeFile(renamed, `${head}${driving.kenya}`)
    expect((await run(loadProbeFile(renamed, "geomlama")))[0]).toMatchObject({
      language: "und",
      culture: "kenya",
    })
    expect((await run(loadProbeFile(renamed, "geomlama", { language: "en" })))[0]!.id).toBe("geomlama-en-1")
  })

  it("refuses a file without probes, naming it: a run on it would measure nothing", async () => {
    const empty = async (name: string, text: string, format: "geomlama" | "shen" | "candle") => {
      await writeFile(join(dir, name), text)
      return flip(loadProbeFile(join(dir, name), format, { task: "qa" }))
    }
    expect(await empty("gd_prompt_en.tsv", head, "geomlama")).toMatchObject({
      _tag: "NoUsableData",
      file: join(dir, "gd_prompt_en.tsv"),
      message: `${join(dir, "gd_prompt_en.tsv")}: no probes in it (an empty geomlama file?)`,
    })
    expect(await empty("qa.json", '{ "en": { "us": [] } }', "shen")).toMatchObject({ _tag: "NoUsableData" })
    const atlantis = '{"domain": "countries", "subject": "Atlantis", "assertion": "Atlanteans swim."}\n'
    expect(await empty("candle.jsonl", atlantis, "candle")).toMatchObject({
      _tag: "NoUsableData",
      message: expect.stringContaining(
        'kept only in the "countries" domain, about a built-in culture (us, china',
      ),
    })
  })

  it.skipIf(!existsSync(join(real, "geomlama-shen2024")))(
    "reads the real files: cultures counted per format",
    async () => {
      const perCulture = (probes: ReadonlyArray<ProbeItem>) => {
        const counts: Record<string, number> = {}
        for (const probe of probes) counts[probe.culture] = (counts[probe.culture] ?? 0) + 1
        return counts
      }
      const five = (n: number) => ({ us: n, china: n, india: n, iran: n, kenya: n })
      for (const language of geoMlamaLanguages) {
        const file = geoMlamaFiles(join(real, "geomlama"), language).base
        const probes = await run(loadProbeFile(file, "geomlama", { paraphrases: true }))
        expect(perCulture(probes), language).toEqual(five(125))
        expect(probes[0]!.language).toBe(language)
      }
      const qa = await run(
        loadProbeFile(join(real, "geomlama-shen2024", "inputs_lang_country.json"), "shen", { task: "qa" }),
      )
      expect(perCulture(qa)).toEqual({ us: 125, china: 250, india: 250, iran: 250, kenya: 250 })
      const candle = await run(
        loadProbeFile(join(real, "candle-shen2024", "inputs_lang_country.json"), "shen", {
          task: "country-prediction",
        }),
      )
      expect(perCulture(candle)).toEqual({ us: 100, china: 200, india: 200, iran: 200, kenya: 200 })
    },
  )

  it.skipIf(!existsSync(join(real, "blend")))("reads the real BLEnD directory: 16 regions", async () => {
    const probes = await run(loadProbeFile(join(real, "blend"), "blend"))
    const cultures = new Set(probes.map((p) => p.culture))
    expect(cultures.size).toBe(16)
    expect(cultures.has("us") && cultures.has("north-korea") && cultures.has("uk")).toBe(true)
  })
})
