import { join } from "node:path"
import { Effect } from "effect"
import { readDataFile } from "../DataFile.js"
import type { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import { cultureIdOf, mentionFinder } from "./CountryAliases.js"
import { type JsonNode, malformed, parseCsv, parseJsonWithLines } from "./LoaderSupport.js"
import type { AnswerVotes, ProbeItem } from "./ProbeItem.js"

/**
 * Loader for BLEnD's short-answer part (Myung et al., NeurIPS 2024 Datasets & Benchmarks): everyday cultural
 * questions for 16 countries and regions, each with annotators' answers and vote counts.
 *
 * `data/annotations/<Region>_data.json`: `{qid: {"question": local-language text, "en_question": English text,
 * "annotations": [{"answers": [...], "en_answers": [...], "count": votes}, ...], "idks": {"idk": n,
 * "no-answer": n, "not-applicable": n}}}`, 500 questions per region.
 * `data/questions/<Region>_questions.csv`: columns `,ID,Topic,Source,Question,Translation` (the topic per id).
 */

export const blendRegions = [
  "Algeria",
  "Assam",
  "Azerbaijan",
  "China",
  "Ethiopia",
  "Greece",
  "Indonesia",
  "Iran",
  "Mexico",
  "North_Korea",
  "Northern_Nigeria",
  "South_Korea",
  "Spain",
  "UK",
  "US",
  "West_Java",
] as const

export type BlendRegion = (typeof blendRegions)[number]

/** How BLEnD's English questions name each region ("... in UK?", "... in West Java?"). */
export const blendRegionNames: Readonly<Record<BlendRegion, ReadonlyArray<string>>> = {
  Algeria: ["Algeria"],
  Assam: ["Assam"],
  Azerbaijan: ["Azerbaijan"],
  China: ["China"],
  Ethiopia: ["Ethiopia"],
  Greece: ["Greece"],
  Indonesia: ["Indonesia"],
  Iran: ["Iran"],
  Mexico: ["Mexico"],
  North_Korea: ["North Korea"],
  Northern_Nigeria: ["Northern Nigeria"],
  South_Korea: ["South Korea"],
  Spain: ["Spain"],
  UK: ["UK", "United Kingdom"],
  US: ["US", "USA", "United States"],
  West_Java: ["West Java"],
}

const regionMentions = mentionFinder(blendRegionNames)

const isBlendRegion = (region: string): region is BlendRegion =>
  (blendRegions as ReadonlyArray<string>).includes(region)

/** The local language of each region's questions (ISO 639-1). */
export const blendLanguages: Readonly<Record<BlendRegion, string>> = {
  Algeria: "ar",
  Assam: "as",
  Azerbaijan: "az",
  China: "zh",
  Ethiopia: "am",
  Greece: "el",
  Indonesia: "id",
  Iran: "fa",
  Mexico: "es",
  North_Korea: "ko",
  Northern_Nigeria: "ha",
  South_Korea: "ko",
  Spain: "es",
  UK: "en",
  US: "en",
  West_Java: "su",
}

export interface BlendAnnotation {
  readonly answers: ReadonlyArray<string>
  readonly enAnswers: ReadonlyArray<string>
  readonly count: number
}

/** One annotated question. */
export interface BlendQuestion {
  readonly id: string
  readonly region: string
  /** The line the question's entry starts on. */
  readonly line: number
  readonly question: string
  readonly enQuestion: string
  readonly annotations: ReadonlyArray<BlendAnnotation>
  /** Annotators who did not know, gave no answer, or found the question not applicable. */
  readonly idks: { readonly idk: number; readonly noAnswer: number; readonly notApplicable: number }
}

/** One row of a questions CSV. */
export interface BlendQuestionRow {
  readonly id: string
  readonly topic: string
  readonly source: string
  readonly question: string
  readonly translation: string
  readonly line: number
}

/** The annotation and question files of a region in a BLEnD `data` directory. */
export const blendFiles = (dir: string, region: string): { annotations: string; questions: string } => ({
  annotations: join(dir, "annotations", `${region}_data.json`),
  questions: join(dir, "questions", `${region}_questions.csv`),
})

const entryLayout =
  '{"question": string, "en_question": string, "annotations": [{"answers": [string], "en_answers": [string], "count": number}]}'

const field = (node: JsonNode, name: string): JsonNode | undefined =>
  node.kind === "object" ? node.entries.find(([key]) => key === name)?.[1] : undefined

const strings = (node: JsonNode | undefined): ReadonlyArray<string> | undefined => {
  if (node?.kind !== "array") return undefined
  const out: Array<string> = []
  for (const item of node.items) {
    if (item.kind !== "string") return undefined
    out.push(item.value)
  }
  return out
}

const count = (node: JsonNode | undefined): number => (node?.kind === "number" ? node.value : 0)

/**
 * Parses a region's annotation file text into its questions, in file order. The region the file is named for
 * must be the one every English question names ("... in UK?"): a file under another region's name, or a
 * question about no or several regions, is an error at the question's line, not a silently wrong label.
 */
export const parseBlendAnnotations = (
  text: string,
  file: string,
  region: string,
): Effect.Effect<ReadonlyArray<BlendQuestion>, MalformedLine> =>
  Effect.flatMap(parseJsonWithLines(text, file), (root) => {
    if (!isBlendRegion(region)) {
      return Effect.fail(
        malformed(file, 1, `the annotations of a BLEnD region (${blendRegions.join(", ")})`, `"${region}"`),
      )
    }
    if (root.kind !== "object") {
      return Effect.fail(malformed(file, root.line, "an object of question ids", `a ${root.kind}`))
    }
    const out: Array<BlendQuestion> = []
    for (const [id, entry] of root.entries) {
      const question = field(entry, "question")
      const enQuestion = field(entry, "en_question")
      const list = field(entry, "annotations")
      const bad = (node: JsonNode, problem: string) =>
        Effect.fail(malformed(file, node.line, `question "${id}" as ${entryLayout}`, problem))
      if (question?.kind !== "string" || enQuestion?.kind !== "string" || list?.kind !== "array") {
        return bad(entry, "an entry without question, en_question or annotations")
      }
      const annotations: Array<BlendAnnotation> = []
      for (const annotation of list.items) {
        const answers = strings(field(annotation, "answers"))
        const enAnswers = strings(field(annotation, "en_answers"))
        const votes = field(annotation, "count")
        if (answers === undefined || enAnswers === undefined || votes?.kind !== "number") {
          return bad(annotation, "an annotation without answers, en_answers or a numeric count")
        }
        annotations.push({ answers, enAnswers, count: votes.value })
      }
      const named = [...new Set(regionMentions(enQuestion.value).map((mention) => mention.culture))]
      if (named.length !== 1 || named[0] !== region) {
        return Effect.fail(
          malformed(
            file,
            entry.line,
            `question "${id}" about ${region}, the region this file is named for`,
            named.length === 0 ? "an English question naming no region" : `one about ${named.join(" and ")}`,
            enQuestion.value,
          ),
        )
      }
      const idks = field(entry, "idks")
      const idkCount = (name: string) => (idks === undefined ? 0 : count(field(idks, name)))
      out.push({
        id,
        region,
        line: entry.line,
        question: question.value,
        enQuestion: enQuestion.value,
        annotations,
        idks: {
          idk: idkCount("idk"),
          noAnswer: idkCount("no-answer"),
          notApplicable: idkCount("not-applicable"),
        },
      })
    }
    return Effect.succeed(out)
  })

const questionColumns = ["ID", "Topic", "Source", "Question", "Translation"]

/** Parses a region's questions CSV (`,ID,Topic,Source,Question,Translation`). */
export const parseBlendQuestions = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<BlendQuestionRow>, MalformedLine> =>
  Effect.flatMap(parseCsv(text, file), (records) => {
    const [head, ...rows] = records
    const columns = questionColumns.map((name) => head?.fields.indexOf(name) ?? -1)
    if (head === undefined || columns.some((column) => column < 0)) {
      return Effect.fail(
        malformed(file, head?.line ?? 1, `a header with ${questionColumns.join(", ")}`, "another header"),
      )
    }
    const out: Array<BlendQuestionRow> = []
    for (const row of rows) {
      if (row.fields.length !== head.fields.length) {
        return Effect.fail(
          malformed(
            file,
            row.line,
            `${head.fields.length} fields`,
            `${row.fields.length} fields`,
            row.fields.join(","),
          ),
        )
      }
      const [id, topic, source, question, translation] = columns.map((column) => row.fields[column]!)
      out.push({
        id: id!,
        topic: topic!,
        source: source!,
        question: question!,
        translation: translation!,
        line: row.line,
      })
    }
    return Effect.succeed(out)
  })

/** A region of BLEnD: its annotated questions and, when loaded, its questions CSV rows. */
export interface BlendRegionData {
  readonly region: string
  readonly questions: ReadonlyArray<BlendQuestion>
  readonly rows: ReadonlyArray<BlendQuestionRow>
}

/** Loads one region from a BLEnD `data` directory (annotations, and the questions CSV unless `rows` is false). */
export const loadBlend = (options: {
  readonly dir: string
  readonly region: string
  readonly rows?: boolean
}): Effect.Effect<BlendRegionData, DataFileUnreadable | MalformedLine> =>
  Effect.gen(function* () {
    const files = blendFiles(options.dir, options.region)
    const text = yield* readDataFile(files.annotations, "the BLEnD annotation file")
    const questions = yield* parseBlendAnnotations(text, files.annotations, options.region)
    if (options.rows === false) return { region: options.region, questions, rows: [] }
    const csv = yield* readDataFile(files.questions, "the BLEnD questions file")
    const rows = yield* parseBlendQuestions(csv, files.questions)
    return { region: options.region, questions, rows }
  })

export interface BlendProbeOptions {
  /** Ask the English question (`en`, default) or the local-language one (`local`). */
  readonly language?: "en" | "local"
  /** Annotator answers with fewer votes are not accepted as correct (still listed in `votes`). Default 1. */
  readonly minVotes?: number
}

/**
 * Short-answer probes from a region's questions, ids `blend-<language>-<culture>-<qid>`, topic from the
 * questions CSV (`unknown` without it). Answers are the accepted annotator answers in the asked language, most
 * voted first; aliases the same answers in the other language; `votes` every annotation group. Questions with
 * no annotation of at least `minVotes` votes are left out (nothing to grade against).
 */
export const blendProbes = (
  data: BlendRegionData,
  options: BlendProbeOptions = {},
): ReadonlyArray<ProbeItem> => {
  const english = (options.language ?? "en") === "en"
  const minVotes = options.minVotes ?? 1
  const topics = new Map(data.rows.map((row) => [row.id, row.topic]))
  const culture = cultureIdOf(data.region)
  // parseBlendAnnotations admits only BLEnD regions, each question checked to be about its file's region.
  const local = blendLanguages[data.region as BlendRegion]
  const language = english ? "en" : local
  return data.questions.flatMap((question): ReadonlyArray<ProbeItem> => {
    const accepted = [...question.annotations]
      .filter((a) => a.count >= minVotes)
      .sort((a, b) => b.count - a.count)
    const asked = [...new Set(accepted.flatMap((a) => (english ? a.enAnswers : a.answers)))]
    const other = [...new Set(accepted.flatMap((a) => (english ? a.answers : a.enAnswers)))]
    if (asked.length === 0 && other.length === 0) return []
    const votes: ReadonlyArray<AnswerVotes> = question.annotations.map((a) => ({
      answers: [...new Set([...a.enAnswers, ...a.answers])],
      count: a.count,
    }))
    return [
      {
        id: `blend-${language}-${culture}-${question.id}`,
        culture,
        topic: topics.get(question.id) ?? "unknown",
        language,
        kind: "short-answer",
        question: english ? question.enQuestion : question.question,
        options: [],
        answers: asked.length > 0 ? asked : other,
        aliases: asked.length > 0 ? other.filter((form) => !asked.includes(form)) : [],
        votes,
        source: "blend",
      },
    ]
  })
}
