import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  blendFiles,
  blendProbes,
  blendRegions,
  loadBlend,
  parseBlendAnnotations,
  parseBlendQuestions,
} from "../src/cultural/Blend.js"
import { loadCandleAssertions, maskCountryMention } from "../src/cultural/CandleAssertions.js"
import { countryAliases, countryOf } from "../src/cultural/CountryAliases.js"
import {
  geoMlamaLanguages,
  loadGeoMlama,
  parseGeoMlama,
  parseGeoMlamaParaphrases,
  parseGeoMlamaPrompts,
} from "../src/cultural/GeoMlama.js"
import { gradeProbe } from "../src/cultural/ProbeGrading.js"
import { makeProbeTask } from "../src/cultural/ProbeTask.js"
import { loadShenJson, loadShenProbes, parseShenJson, shenProbes } from "../src/cultural/ShenJson.js"

const fixtures = join(import.meta.dirname, "fixtures", "cultural")
const real = "/work/shared/datasets/cultural"
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const flip = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(effect))

let dir = ""
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lyceum-cultural-"))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
const temp = async (name: string, text: string) => {
  const file = join(dir, name)
  await writeFile(file, text)
  return file
}

const englishForms = (culture: keyof typeof countryAliases) =>
  countryAliases[culture].filter((form) => /^[A-Za-z. ']+$/.test(form))

describe("GeoMLaMA loader", () => {
  it("loads a fixture with CRLF lines, blank separator rows and several golds", async () => {
    const { base, paraphrases } = await run(loadGeoMlama({ dir: join(fixtures, "geomlama"), language: "xx" }))
    expect(base).toHaveLength(15)
    expect(paraphrases).toHaveLength(60)
    expect(base.map((p) => p.culture).slice(0, 6)).toEqual(["us", "china", "india", "iran", "kenya", "us"])
    expect(base[2]).toMatchObject({
      id: "geomlama-xx-3",
      culture: "india",
      topic: "driving side",
      language: "xx",
      kind: "multiple-choice",
      question: "In India, people drive on the ___ side of the road.",
      options: ["right", "left", "middle"],
      answers: ["left"],
      source: "geomlama",
    })
    expect(base[10]).toMatchObject({ culture: "us", answers: ["coffee", "tea"], aliases: ["coffee, tea"] })
    expect(paraphrases[7]).toMatchObject({
      id: "geomlama-xx-3-p2",
      culture: "india",
      question: "Cars in India keep to the ___.",
      answers: ["left"],
    })
    expect(paraphrases[59]).toMatchObject({ id: "geomlama-xx-15-p4", culture: "kenya" })
    const task = makeProbeTask({ probes: [...base, ...paraphrases] })
    expect(task.grade(" B", task.toItem(base[2]!))).toBe(true)
  })

  it("names the file and line of malformed rows", async () => {
    const head = "Prompt\tCorresponding Questions\tAns\tCandidate Ans\tContext\n"
    expect(await flip(parseGeoMlama("x", "f.tsv", "en"))).toMatchObject({
      _tag: "MalformedLine",
      file: "f.tsv",
      line: 1,
    })
    const noMask = await flip(
      parseGeoMlama(
        `${head}In Iran, people drive on the right.\tq\tright\tright, left\tdriving\n`,
        "n.tsv",
        "en",
      ),
    )
    expect(noMask).toMatchObject({ line: 2, message: expect.stringContaining("without exactly one <mask>") })
    const error = await flip(loadGeoMlama({ dir, language: "zz" }))
    expect(error).toMatchObject({ _tag: "DataFileUnreadable", file: join(dir, "gd_prompt_zz.tsv") })
    const text = `${head}\t\t\t\t\nA <mask>.\tq\tleft\tright, left\tdriving\nB <mask>.\tq\tup\tright, left\tdriving\n`
    const missing = await flip(parseGeoMlama(text, "m.tsv", "en"))
    expect(missing).toMatchObject({ _tag: "MalformedLine", line: 4 })
    expect(missing.message).toContain("m.tsv:4")
    expect(missing.message).toContain('the answer "up" missing from the candidates')
    const short = await flip(parseGeoMlama(`${head}A <mask>.\tq\tleft\n`, "s.tsv", "en"))
    expect(short).toMatchObject({ line: 2, message: expect.stringContaining("3 fields") })
  })

  it("rejects paraphrase files that do not fit their base prompts", async () => {
    const text = await readFile(join(fixtures, "geomlama", "gd_prompt_xx.tsv"), "utf8")
    const five = (await run(parseGeoMlamaPrompts(text, "xx.tsv", "xx"))).slice(0, 5)
    const lines = five.map((p) => p.probe.question.replace("___", "<mask>"))
    const block = (n: number) => Array.from({ length: n }, (_, i) => `${lines[i % 5]}\n`).join("")
    const tooFew = await flip(parseGeoMlamaParaphrases(block(19), "aug.tsv", five))
    expect(tooFew).toMatchObject({ _tag: "MalformedLine", file: "aug.tsv", line: 20 })
    const tooMany = await flip(parseGeoMlamaParaphrases(block(21), "aug.tsv", five))
    expect(tooMany).toMatchObject({ line: 21 })
    const noMask = await flip(parseGeoMlamaParaphrases(`${lines[0]}\nno mask here\n`, "aug.tsv", five))
    expect(noMask).toMatchObject({ line: 2 })
  })

  it.skipIf(!existsSync(join(real, "geomlama")))(
    "reads the real files: 125 base + 500 paraphrases per language",
    async () => {
      for (const language of geoMlamaLanguages) {
        const { base, paraphrases } = await run(loadGeoMlama({ dir: join(real, "geomlama"), language }))
        expect(base, language).toHaveLength(125)
        expect(paraphrases, language).toHaveLength(500)
        for (const culture of ["us", "china", "india", "iran", "kenya"]) {
          expect(base.filter((p) => p.culture === culture)).toHaveLength(25)
        }
      }
      const { base, paraphrases } = await run(loadGeoMlama({ dir: join(real, "geomlama"), language: "en" }))
      expect(new Set(base.map((p) => p.topic)).size).toBe(17)
      // Each paraphrase names the country of the base prompt it is mapped to: the row arithmetic is right.
      for (const p of paraphrases) {
        const forms = englishForms(p.culture as keyof typeof countryAliases)
        expect(
          forms.some((form) => p.question.includes(form)),
          p.question,
        ).toBe(true)
      }
      const india = base.find((p) => p.culture === "india" && p.topic === "keep left/right")!
      expect(india.answers).toEqual(["left"])
    },
  )
})

describe("Shen et al. JSON loader", () => {
  it("loads multiple-choice QA with verbatim prompts, options and several golds", async () => {
    const probes = await run(loadShenProbes(join(fixtures, "shen", "qa.json"), "qa"))
    expect(probes.map((p) => p.id)).toEqual([
      "shen2024-qa-en-us-1",
      "shen2024-qa-en-us-2",
      "shen2024-qa-en-kenya-1",
      "shen2024-qa-zh-china-1",
    ])
    expect(probes[0]).toMatchObject({
      kind: "multiple-choice",
      culture: "us",
      language: "en",
      question: "In the United States, people drive on the ___ side of the road.",
      options: ["right", "left", "middle"],
      answers: ["right"],
    })
    expect(probes[1]).toMatchObject({ answers: ["coffee", "tea"], options: ["coffee", "tea", "cocoa"] })
    expect(probes[3]).toMatchObject({
      culture: "china",
      language: "zh",
      options: ["右", "左", "中间"],
      answers: ["右"],
    })
    const task = makeProbeTask({ probes })
    const item = task.toItem(probes[3]!)
    expect(item.input).toBe(`${probes[3]!.prompt}\nAnswer:`)
    expect(task.grade(" {“答案”： 右}", item)).toBe(true)
    expect(task.grade(' {"Answer": "左"}', item)).toBe(false)
  })

  it("loads country prediction with demonym aliases, and verification with translated golds", async () => {
    const candle = await run(loadShenProbes(join(fixtures, "shen", "candle.json"), "country-prediction"))
    expect(candle.map((p) => [p.culture, p.language, p.answers[0]])).toEqual([
      ["us", "en", "American"],
      ["us", "en", "U.S."],
      ["iran", "en", "Persian"],
      ["china", "zh-Hans", "中国"],
    ])
    expect(candle[0]!.question).toBe("A turkey dinner is the classic ___ way to celebrate Thanksgiving.")
    expect(candle[3]!.question).toBe("饺子是___的传统食物。")
    expect(gradeProbe(candle[0]!, '{"Answer": "Americans"}')).toBe(true)
    expect(gradeProbe(candle[2]!, '{"Answer": "Iran"}')).toBe(true)
    expect(gradeProbe(candle[2]!, '{"Answer": "Indian"}')).toBe(false)
    const verification = await run(
      loadShenProbes(join(fixtures, "shen", "verification.json"), "verification"),
    )
    expect(verification.map((p) => [p.culture, p.answers[0], p.question])).toEqual([
      ["us", "True", "Water boils when it is heated enough."],
      ["kenya", "True", "Water boils when it is heated enough."],
      ["kenya", "True", "Maji huchemka yakipashwa moto vya kutosha."],
    ])
    expect(gradeProbe(verification[2]!, '{"Answer": "Kweli"}')).toBe(true)
    expect(gradeProbe(verification[2]!, '{"Answer": "Uongo"}')).toBe(false)
  })

  it("names the file and line of malformed JSON and entries", async () => {
    const syntax = await flip(
      parseShenJson('{\n  "en": {\n    "us": [\n      {"prompt": "x" "answer": "y"}\n]}}', "s.json"),
    )
    expect(syntax).toMatchObject({ _tag: "MalformedLine", file: "s.json", line: 4 })
    const entry = await flip(
      parseShenJson('{"en": {"us": [\n  {"prompt": "p", "answer": "a"},\n  {"prompt": "p"}\n]}}', "e.json"),
    )
    expect(entry).toMatchObject({ line: 3, message: expect.stringContaining("e.json:3") })
    const list = await flip(parseShenJson('{"en":\n {"us": {}}}', "l.json"))
    expect(list).toMatchObject({ line: 2 })
    const entries = await run(
      parseShenJson('{"en": {"us": [\n {"prompt": "p", "answer": "Maybe"}]}}', "v.json"),
    )
    expect(await flip(shenProbes(entries, "verification", "v.json"))).toMatchObject({ line: 2 })
    const atlantis = await run(
      parseShenJson('{"en": {"Atlantis": [{"prompt": "p <mask>", "answer": "Atlantean"}]}}', "c.json"),
    )
    expect(await flip(shenProbes(atlantis, "country-prediction", "c.json"))).toMatchObject({ line: 1 })
    expect(await flip(loadShenJson(join(dir, "missing.json")))).toMatchObject({ _tag: "DataFileUnreadable" })
  })

  it.skipIf(!existsSync(join(real, "candle-shen2024")))(
    "reads the real files: CANDLE 900, GeoMLaMA QA 1,125, verification 9,000",
    async () => {
      const candle = await run(
        loadShenProbes(join(real, "candle-shen2024", "inputs_lang_country.json"), "country-prediction"),
      )
      expect(candle).toHaveLength(900)
      // Every gold names its own cell's country, so the alias list covers the whole file.
      for (const p of candle) expect(countryOf(p.answers[0]!), p.id).toBe(p.culture)
      const cells = new Map<string, number>()
      for (const p of candle)
        cells.set(`${p.language}/${p.culture}`, (cells.get(`${p.language}/${p.culture}`) ?? 0) + 1)
      expect([...cells.values()]).toEqual(Array(9).fill(100))
      const qa = await run(loadShenProbes(join(real, "geomlama-shen2024", "inputs_lang_country.json"), "qa"))
      expect(qa).toHaveLength(1125)
      for (const p of qa)
        expect(
          p.answers.every((a) => p.options.includes(a)),
          p.id,
        ).toBe(true)
      const verification = await run(
        loadShenProbes(
          join(real, "genericskb-shen2024", "inputs_lang_country_verification.json"),
          "verification",
        ),
      )
      expect(verification).toHaveLength(9000)
      expect(verification.every((p) => p.answers[0] === "True")).toBe(true)
      const association = await run(
        loadShenJson(join(real, "genericskb-shen2024", "inputs_lang_country_association.json")),
      )
      expect(association).toHaveLength(5000)
    },
  )
})

describe("CANDLE-style country prediction", () => {
  it("masks the first mention of the subject's name or demonym", () => {
    expect(maskCountryMention("Japanese people often eat rice.", "japan")).toEqual({
      question: "___ people often eat rice.",
      answer: "Japanese",
    })
    expect(maskCountryMention("Many Americans visit America.", "us")?.answer).toBe("Americans")
    expect(maskCountryMention("In the United States, ...", "us")?.answer).toBe("the United States")
    expect(maskCountryMention("Kenyans run.", "kenya")?.question).toBe("___ run.")
    expect(maskCountryMention("No country here.", "iran")).toBeUndefined()
  })

  it("loads CANDLE JSON lines: countries only, built-in cultures only, mentions only", async () => {
    const probes = await run(loadCandleAssertions(join(fixtures, "candle", "assertions.jsonl")))
    expect(probes.map((p) => [p.id, p.culture, p.answers[0], p.topic])).toEqual([
      ["candle-1", "japan", "Japanese", "countries/food"],
      ["candle-2", "us", "the United States", "countries/traditions"],
      ["candle-6", "iran", "Iranian", "countries/drinks"],
    ])
    expect(gradeProbe(probes[2]!, '{"Answer": "Persian"}')).toBe(true)
    const bad = await temp(
      "bad.jsonl",
      '{"domain": "countries", "subject": "Iran", "assertion": "x"}\nnot json\n',
    )
    expect(await flip(loadCandleAssertions(bad))).toMatchObject({ _tag: "MalformedLine", file: bad, line: 2 })
    const missing = await temp("missing.jsonl", '\n{"domain": "countries"}\n')
    expect(await flip(loadCandleAssertions(missing))).toMatchObject({ line: 2 })
  })
})

describe("BLEnD loader", () => {
  it("loads annotations with vote counts and the questions CSV (quoted fields)", async () => {
    const data = await run(loadBlend({ dir: join(fixtures, "blend"), region: "US" }))
    expect(data.questions).toHaveLength(3)
    expect(data.questions[0]).toMatchObject({
      id: "Fx-en-01",
      region: "US",
      line: 2,
      enQuestion: "What is a common breakfast drink in the US?",
      idks: { idk: 0, noAnswer: 0, notApplicable: 0 },
    })
    expect(data.questions[0]!.annotations[1]).toEqual({
      answers: ["orange juice", "OJ"],
      enAnswers: ["orange juice", "OJ"],
      count: 2,
    })
    expect(data.rows.map((r) => [r.id, r.topic, r.line])).toEqual([
      ["Fx-en-01", "Food", 2],
      ["Fx-en-02", "Sport", 3],
      ["Fx-en-03", "Work life", 4],
    ])
    expect(data.rows[1]!.question).toBe("Which sport, of all, is most watched on TV in the US?")
    expect(data.rows[2]!.question).toBe('What is a common gift for a "retiring" teacher in the US?')
    const probes = blendProbes(data)
    expect(probes.map((p) => [p.id, p.culture, p.topic, p.answers])).toEqual([
      ["blend-en-us-Fx-en-01", "us", "Food", ["coffee", "orange juice", "OJ", "milk"]],
      ["blend-en-us-Fx-en-02", "us", "Sport", ["American football", "football"]],
    ])
    expect(probes[0]!.votes?.map((v) => v.count)).toEqual([4, 2, 1])
    expect(blendProbes(data, { minVotes: 2 })[0]!.answers).toEqual(["coffee", "orange juice", "OJ"])
    const task = makeProbeTask({ probes })
    expect(task.grade(" Coffee, black.", task.toItem(probes[0]!))).toBe(true)
    expect(task.grade(" Tea", task.toItem(probes[0]!))).toBe(false)
  })

  it("names the file and line of malformed annotations and CSV rows", async () => {
    const ann =
      '{\n  "q1": {"question": "a", "en_question": "a", "annotations": [\n    {"answers": ["x"], "en_answers": ["x"]}\n  ]}\n}'
    expect(await flip(parseBlendAnnotations(ann, "a.json", "US"))).toMatchObject({
      _tag: "MalformedLine",
      file: "a.json",
      line: 3,
    })
    const noQuestion = '{\n "q1": {"annotations": []}}'
    expect(await flip(parseBlendAnnotations(noQuestion, "b.json", "US"))).toMatchObject({ line: 2 })
    const quote = ',ID,Topic,Source,Question,Translation\n0,a,Food,x,"unterminated,y\n1,b,Food,x,q,t\n'
    expect(await flip(parseBlendQuestions(quote, "q.csv"))).toMatchObject({ line: 2 })
    const fields = ",ID,Topic,Source,Question,Translation\n0,a,Food,x,q,t\n1,b,Food,x,q\n"
    expect(await flip(parseBlendQuestions(fields, "q.csv"))).toMatchObject({ line: 3, found: "1,b,Food,x,q" })
    expect(await flip(parseBlendQuestions("a,b\n", "h.csv"))).toMatchObject({ line: 1 })
    const error = await flip(loadBlend({ dir, region: "Nowhere" }))
    expect(error).toMatchObject({ _tag: "DataFileUnreadable", file: blendFiles(dir, "Nowhere").annotations })
  })

  it.skipIf(!existsSync(join(real, "blend")))(
    "reads the real files: 500 questions per region, every one with a topic",
    async () => {
      const counts: Record<string, number> = {}
      for (const region of blendRegions) {
        const data = await run(loadBlend({ dir: join(real, "blend"), region }))
        expect(data.questions, region).toHaveLength(500)
        expect(data.rows, region).toHaveLength(500)
        const probes = blendProbes(data)
        expect(
          probes.every((p) => p.topic !== "unknown"),
          region,
        ).toBe(true)
        counts[region] = probes.length
      }
      expect(Object.keys(counts)).toHaveLength(16)
      const us = blendProbes(await run(loadBlend({ dir: join(real, "blend"), region: "US" })))
      expect(us.find((p) => p.id === "blend-en-us-Al-en-01")?.answers[0]).toBe("fruit")
    },
  )
})
