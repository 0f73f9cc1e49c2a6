import { deriveSeed, makeRng } from "@lyceum/core"
import { builtinFacts, type CulturalFact, factStatement } from "./CulturalFacts.js"
import type { ProbeItem, ProbeKind } from "./ProbeItem.js"

/** Which built-in probes to take; every field narrows the set (all probes when omitted). */
export interface BuiltinProbeOptions {
  readonly cultures?: ReadonlyArray<string>
  readonly topics?: ReadonlyArray<string>
  readonly kinds?: ReadonlyArray<ProbeKind>
}

/** Multiple-choice probes show the answer and at most this many distractors. */
export const maxDistractors = 3

/**
 * The probes one fact yields, ids `lyceum-<fact id>-<form>`: a cloze (`-cloze`: the fact sentence with its
 * blank), a multiple choice over the answer and up to three distractors in a seeded order (`-mc`), a true
 * statement (`-tf-true`) and, with a distractor in the blank, a false one (`-tf-false`). A fact without
 * distractors yields only the cloze and the true statement.
 */
export const probesOfFact = (fact: CulturalFact): ReadonlyArray<ProbeItem> => {
  const base = { culture: fact.culture, topic: fact.topic, language: "en", source: "lyceum" } as const
  const id = `lyceum-${fact.id}`
  const out: Array<ProbeItem> = [
    {
      ...base,
      id: `${id}-cloze`,
      kind: "cloze",
      question: fact.sentence,
      options: [],
      answers: [fact.answer],
      aliases: fact.aliases,
    },
  ]
  const wrong = fact.distractors[0]
  if (wrong !== undefined) {
    const options = makeRng(deriveSeed(11, id, "options")).shuffle([
      fact.answer,
      ...fact.distractors.slice(0, maxDistractors),
    ])
    out.push({
      ...base,
      id: `${id}-mc`,
      kind: "multiple-choice",
      question: fact.question,
      options,
      answers: [fact.answer],
      aliases: fact.aliases,
    })
  }
  out.push({
    ...base,
    id: `${id}-tf-true`,
    kind: "true-false",
    question: factStatement(fact),
    options: [],
    answers: ["True"],
    aliases: [],
  })
  if (wrong !== undefined) {
    out.push({
      ...base,
      id: `${id}-tf-false`,
      kind: "true-false",
      question: factStatement(fact, wrong),
      options: [],
      answers: ["False"],
      aliases: [],
    })
  }
  return out
}

/**
 * Lyceum's built-in cultural-commonsense probe set (English; cultures `us`, `china`, `india`, `iran`, `kenya`,
 * `japan`, `brazil`, `germany`), generated from `builtinFacts()` by `probesOfFact`, in a fixed order.
 */
export const builtinProbes = (options: BuiltinProbeOptions = {}): ReadonlyArray<ProbeItem> =>
  builtinFacts()
    .filter(
      (fact) =>
        (options.cultures === undefined || options.cultures.includes(fact.culture)) &&
        (options.topics === undefined || options.topics.includes(fact.topic)),
    )
    .flatMap(probesOfFact)
    .filter((probe) => options.kinds === undefined || options.kinds.includes(probe.kind))
