import { deriveSeed, makeRng } from "@lyceum/core"
import { countryAliases } from "./CountryAliases.js"
import { attributes, countryFacts, singleFacts } from "./CulturalFactTables.js"
import { type BuiltinCultureId, builtinCultureIds, builtinCultures } from "./Culture.js"
import { probeBlank } from "./ProbeItem.js"

/**
 * One fact about one culture, ready to be asked in every probe form and stated as teaching text. `sentence`
 * ends with a `___` blank for `answer` (followed by at most punctuation); `distractors` are known-wrong
 * alternatives, in a fixed seeded order (the first is the one false statements use).
 */
export interface CulturalFact {
  /** `<culture>-<key>`, unique in the built-in set. */
  readonly id: string
  readonly culture: BuiltinCultureId
  readonly topic: string
  readonly sentence: string
  readonly question: string
  readonly answer: string
  readonly aliases: ReadonlyArray<string>
  readonly distractors: ReadonlyArray<string>
}

/** `fact.sentence` with its blank filled by `value` (the answer by default): a natural statement. */
export const factStatement = (fact: CulturalFact, value: string = fact.answer): string =>
  fact.sentence.replace(probeBlank, value)

const attributeAnswer = (value: string | { readonly answer: string }): string =>
  typeof value === "string" ? value : value.answer

const seededOrder = (id: string, items: ReadonlyArray<string>): ReadonlyArray<string> =>
  makeRng(deriveSeed(7, "cultural-fact", id)).shuffle([...new Set(items)])

const expandAttributes = (): ReadonlyArray<CulturalFact> =>
  attributes.flatMap((attribute) => {
    const pool = [
      ...builtinCultureIds.flatMap((id) => {
        const value = attribute.values[id]
        return value === undefined ? [] : [attributeAnswer(value)]
      }),
      ...(attribute.extra ?? []),
    ]
    return builtinCultureIds.flatMap((id): ReadonlyArray<CulturalFact> => {
      const value = attribute.values[id]
      if (value === undefined) return []
      const answer = attributeAnswer(value)
      const excluded = new Set([
        answer,
        ...(typeof value === "string" ? [] : (value.alsoTrue ?? [])),
        ...(attribute.neverDistract ?? []),
      ])
      const culture = builtinCultures[id]
      const factId = `${id}-${attribute.key}`
      return [
        {
          id: factId,
          culture: id,
          topic: attribute.topic,
          sentence: attribute.sentence(culture),
          question: attribute.question(culture),
          answer,
          aliases: attribute.aliases?.[answer] ?? [],
          distractors: seededOrder(
            factId,
            pool.filter((v) => !excluded.has(v)),
          ),
        },
      ]
    })
  })

const expandCountryFacts = (): ReadonlyArray<CulturalFact> =>
  countryFacts.map((fact) => {
    const excluded = new Set<string>([fact.culture, ...(fact.notIn ?? [])])
    const factId = `${fact.culture}-${fact.key}`
    return {
      id: factId,
      culture: fact.culture,
      topic: fact.topic,
      sentence: fact.sentence,
      question: fact.question,
      answer: builtinCultures[fact.culture].name,
      aliases: countryAliases[fact.culture],
      distractors: seededOrder(
        factId,
        builtinCultureIds.filter((id) => !excluded.has(id)).map((id) => builtinCultures[id].name),
      ),
    }
  })

const expandSingleFacts = (): ReadonlyArray<CulturalFact> =>
  singleFacts.map((fact) => ({
    id: `${fact.culture}-${fact.key}`,
    culture: fact.culture,
    topic: fact.topic,
    sentence: fact.sentence,
    question: fact.question,
    answer: fact.answer,
    aliases: fact.aliases ?? [],
    distractors: fact.distractors,
  }))

let facts: ReadonlyArray<CulturalFact> | undefined

/**
 * Every built-in cultural fact (about 190 over 8 cultures and 19 topics), grouped by culture in
 * `builtinCultureIds` order, then attributes, country facts and single facts in table order.
 */
export const builtinFacts = (): ReadonlyArray<CulturalFact> => {
  if (facts === undefined) {
    const all = [...expandAttributes(), ...expandCountryFacts(), ...expandSingleFacts()]
    facts = builtinCultureIds.flatMap((culture) => all.filter((fact) => fact.culture === culture))
  }
  return facts
}
