import { optionLetter, parseTrueFalse } from "./ProbeGrading.js"
import { type ProbeItem, probeBlank } from "./ProbeItem.js"

/**
 * How a probe asks for its answer: `plain` (a bare answer after `Answer:`; a letter for multiple choice) or
 * `json`, Shen et al.'s instruction `Answer in the json format of {"Answer": }.` with the answer as JSON.
 */
export type ProbeAnswerFormat = "plain" | "json"

export const jsonAnswerInstruction = 'Answer in the json format of {"Answer": }.'

/** The line every non-continuation probe prompt ends with; what comes after it is the answer. */
export const answerCue = "\nAnswer:"

/** A probe as a prompt (`input`) and the expected continuation (`target`); `input + target` is the example. */
export interface RenderedProbe {
  readonly input: string
  readonly target: string
}

const onlyPunctuation = /^[\s.!?;:,"'”’)\]]*$/

/**
 * The stem and tail of a cloze probe that a completion model can answer by simply continuing the sentence:
 * one blank, at the end (only punctuation after it), no verbatim source prompt.
 */
export const continuationCloze = (probe: ProbeItem): { stem: string; tail: string } | undefined => {
  if (probe.kind !== "cloze" || probe.prompt !== undefined) return undefined
  const at = probe.question.indexOf(probeBlank)
  if (at <= 0 || probe.question.indexOf(probeBlank, at + 1) >= 0) return undefined
  const tail = probe.question.slice(at + probeBlank.length)
  const stem = probe.question.slice(0, at).trimEnd()
  return onlyPunctuation.test(tail) && stem.length > 0 ? { stem, tail } : undefined
}

/** The gold answer as the probe expects it written: an option letter (plain multiple choice), True/False, or text. */
const goldAnswer = (probe: ProbeItem, format: ProbeAnswerFormat): string => {
  const first = probe.answers[0] ?? ""
  if (probe.kind === "true-false") return parseTrueFalse(first) === false ? "False" : "True"
  if (probe.kind === "multiple-choice" && format === "plain" && probe.prompt === undefined) {
    const index = probe.options.indexOf(first)
    return index >= 0 ? optionLetter(index) : first
  }
  return first
}

const body = (probe: ProbeItem): string => {
  const fillIn = probe.question.includes(probeBlank)
  switch (probe.kind) {
    case "multiple-choice":
      return [
        `${fillIn ? "Fill in the blank" : "Question"}: ${probe.question}`,
        ...probe.options.map((option, i) => `${optionLetter(i)}. ${option}`),
      ].join("\n")
    case "cloze":
      return `Fill in the blank: ${probe.question}`
    case "true-false":
      return `True or false: ${probe.question}`
    case "short-answer":
      return `Question: ${probe.question}`
  }
}

/**
 * A probe as a prompt and its expected continuation.
 * - Plain cloze with the blank at the end: the sentence up to the blank, continued by the answer and the
 *   rest of the sentence (`In Japan, people drive on the` → ` left.`), so a rendered probe is a natural fact
 *   statement and a completion model answers by continuing it.
 * - Otherwise a header line (`Question:`, `Fill in the blank:`, `True or false:`), lettered options for
 *   multiple choice (`A. left`), the JSON instruction in `json` format, and `\nAnswer:`; the target is
 *   ` <gold>` (a letter for plain multiple choice) or ` {"Answer": "<gold>"}`.
 * - A probe with a verbatim source `prompt` keeps it as the body and always expects the JSON answer.
 */
export const renderProbe = (probe: ProbeItem, format: ProbeAnswerFormat = "plain"): RenderedProbe => {
  const continuation = format === "plain" ? continuationCloze(probe) : undefined
  if (continuation !== undefined) {
    return { input: continuation.stem, target: ` ${probe.answers[0] ?? ""}${continuation.tail}` }
  }
  const json = format === "json" || probe.prompt !== undefined
  const gold = goldAnswer(probe, json ? "json" : "plain")
  const text = probe.prompt ?? (format === "json" ? `${body(probe)}\n${jsonAnswerInstruction}` : body(probe))
  return {
    input: `${text}${answerCue}`,
    target: json ? ` {"Answer": ${JSON.stringify(gold)}}` : ` ${gold}`,
  }
}
