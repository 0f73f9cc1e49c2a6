import { TaskItem } from "@lyceum/core"
import { builtinFacts, type CulturalFact, factStatement } from "./CulturalFacts.js"
import { continuationCloze } from "./ProbeRendering.js"

/**
 * Teaching material for the cultural-exchange scenario: teachers whose private data are one culture's facts,
 * students whose prior knows one culture. Facts are stated as natural sentences ("In Japan, people drive on
 * the left.").
 */

/** One fact as a sentence, tagged with its culture and topic. */
export interface FactStatement {
  /** `fact-<fact id>`. */
  readonly id: string
  readonly culture: string
  readonly topic: string
  readonly text: string
}

const factsOf = (cultures: string | ReadonlyArray<string> | undefined): ReadonlyArray<CulturalFact> => {
  const wanted = typeof cultures === "string" ? [cultures] : cultures
  return builtinFacts().filter((fact) => wanted === undefined || wanted.includes(fact.culture))
}

/** The built-in facts of some cultures (all cultures when omitted) as sentences, in `builtinFacts` order. */
export const culturalFactStatements = (
  cultures?: string | ReadonlyArray<string>,
): ReadonlyArray<FactStatement> =>
  factsOf(cultures).map((fact) => ({
    id: `fact-${fact.id}`,
    culture: fact.culture,
    topic: fact.topic,
    text: factStatement(fact),
  }))

/**
 * A culture's facts as task items for a teacher's private data: `input` is the sentence up to the answer and
 * `target` the answer with the sentence's end (` left.`), exactly how the probe task renders a plain cloze
 * probe, so that a rendered item, an "original example" lesson, is the fact sentence itself.
 */
export const culturalFactItems = (cultures: string | ReadonlyArray<string>): ReadonlyArray<TaskItem> =>
  factsOf(cultures).map((fact) => {
    const split = continuationCloze({
      id: fact.id,
      culture: fact.culture,
      topic: fact.topic,
      language: "en",
      kind: "cloze",
      question: fact.sentence,
      options: [],
      answers: [fact.answer],
      aliases: [],
      source: "lyceum",
    })
    const stem = split?.stem ?? fact.sentence
    return new TaskItem({ id: `fact-${fact.id}`, input: stem, target: ` ${fact.answer}${split?.tail ?? ""}` })
  })

export interface PriorCorpusOptions {
  /** How often the fact sentences are repeated (the sim model's vocabulary keeps words seen twice). Default 3. */
  readonly repeats?: number
  /** Text placed before the facts, e.g. a general background corpus. */
  readonly base?: string
}

/**
 * A background corpus that knows some cultures' facts and nothing of the others: their fact sentences, one
 * per line, repeated, after an optional base text. Pass it as the sim model's `corpus` to give a student a
 * prior that knows one culture.
 */
export const priorCorpus = (
  cultures: string | ReadonlyArray<string>,
  options: PriorCorpusOptions = {},
): string => {
  const facts = culturalFactStatements(cultures)
    .map((statement) => statement.text)
    .join("\n")
  const repeated = Array.from({ length: Math.max(1, options.repeats ?? 3) }, () => facts).join("\n\n")
  return options.base === undefined || options.base.length === 0 ? repeated : `${options.base}\n\n${repeated}`
}
