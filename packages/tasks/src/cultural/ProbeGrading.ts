import { answerText, normaliseAnswer, startsWithWords } from "./AnswerText.js"
import { type AnswerVotes, acceptedAnswers, type ProbeItem, probeBlank } from "./ProbeItem.js"

/** The letter shown before option `index` (0 → "A"). */
export const optionLetter = (index: number): string => String.fromCharCode(65 + index)

const answerPrefix = /^(?:(?:the\s+)?(?:final\s+)?answer(?:\s+is)?|option)\s*[:：]?\s*/i
const bareLetter = /^[([]?([A-Za-z])[)\].:]?$/
const letterThenText = /^[([]?([A-Z])[)\].:]\s+\S/
const letterInSentence = /\b(?:[Aa]nswer|[Oo]ption)(?:\s+is)?\s*[:：]?\s*[([]?([A-Z])[)\]]?(?!\p{L})/u

const letterIndex = (letter: string | undefined, count: number): number | undefined => {
  if (letter === undefined) return undefined
  const index = letter.toUpperCase().charCodeAt(0) - 65
  return index >= 0 && index < count ? index : undefined
}

/**
 * Which option an answer picks, by letter ("B", "(b)", "B. left", "The answer is B") or by the option's text
 * ("left", "Left side of the road": an option's words starting the answer, the longest such option winning).
 * Undefined when it picks none. Text is tried before a sentence-internal letter, so "A knife and fork" picks
 * the option "a knife and fork", not option A.
 */
export const matchOption = (answer: string, options: ReadonlyArray<string>): number | undefined => {
  const text = answer.trim().replace(answerPrefix, "")
  const bare = letterIndex(text.match(bareLetter)?.[1], options.length)
  if (bare !== undefined) return bare
  const led = letterIndex(text.match(letterThenText)?.[1], options.length)
  if (led !== undefined) return led
  const normalised = normaliseAnswer(text)
  const forms = options.map(normaliseAnswer)
  const exact = forms.indexOf(normalised)
  if (exact >= 0) return exact
  let best: number | undefined
  forms.forEach((form, i) => {
    if (startsWithWords(normalised, form) && (best === undefined || form.length > forms[best]!.length))
      best = i
  })
  return best ?? letterIndex(answer.match(letterInSentence)?.[1], options.length)
}

const cjk = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u

/**
 * Whether an answer is one of the accepted forms, compared normalised. With `prefix`, an answer that starts
 * with an accepted form followed by more words also counts ("left side of the road." for "left"; for Chinese
 * or Japanese, which write no spaces, any continuation), and an answer that restates `stem` first is read
 * after it.
 */
export const matchesAccepted = (
  answer: string,
  accepted: ReadonlyArray<string>,
  options: { readonly prefix?: boolean; readonly stem?: string } = {},
): boolean => {
  let text = normaliseAnswer(answer)
  const stem = options.stem === undefined ? "" : normaliseAnswer(options.stem)
  if (stem.length > 0 && text.startsWith(`${stem} `)) text = text.slice(stem.length + 1)
  return accepted.some((form) => {
    const normalised = normaliseAnswer(form)
    if (normalised.length === 0) return false
    if (text === normalised) return true
    if (options.prefix !== true) return false
    return startsWithWords(text, normalised) || (cjk.test(normalised) && text.startsWith(normalised))
  })
}

const trueWords = [
  "true",
  "yes",
  "correct",
  "right",
  "t",
  "y",
  "सच",
  "सच्चा",
  "सत्य",
  "सही",
  "हाँ",
  "हां",
  "درست",
  "صحیح",
  "واقعی",
  "بله",
  "kweli",
  "ndiyo",
  "sahihi",
]
const falseWords = [
  "not true",
  "not correct",
  "si kweli",
  "si sahihi",
  "false",
  "no",
  "incorrect",
  "wrong",
  "f",
  "n",
  "झूठ",
  "झूठा",
  "असत्य",
  "गलत",
  "ग़लत",
  "नहीं",
  "نادرست",
  "غلط",
  "اشتباه",
  "خیر",
  "نه",
  "uongo",
  "hapana",
  "siyo",
]
const cjkTrue = new Set(["真", "是", "对", "對", "正"])
const cjkFalse = new Set(["假", "否", "不", "错", "錯", "非"])

/**
 * The truth value an answer states: true/yes/correct or false/no/wrong (in English and in the languages of
 * Shen et al.'s translated prompts: 真/假, सच/झूठ, درست/غلط, kweli/uongo, ...), read from its first words;
 * undefined when it states neither.
 */
export const parseTrueFalse = (answer: string): boolean | undefined => {
  const text = normaliseAnswer(answer)
  const first = text.charAt(0)
  if (cjkFalse.has(first)) return false
  if (cjkTrue.has(first)) return true
  if (falseWords.some((word) => startsWithWords(text, word))) return false
  if (trueWords.some((word) => startsWithWords(text, word))) return true
  return undefined
}

/** Light English plural folding so "sandwiches" meets "sandwich" and "fruits" meets "fruit". */
const fold = (token: string): string => {
  if (token.length <= 3 || !/^[a-z]+$/.test(token)) return token
  if (token.endsWith("ies")) return `${token.slice(0, -3)}y`
  if (/(?:ses|xes|zes|ches|shes)$/.test(token)) return token.slice(0, -2)
  if (token.endsWith("s") && !token.endsWith("ss")) return token.slice(0, -1)
  return token
}
const tokens = (text: string): ReadonlyArray<string> =>
  normaliseAnswer(text).split(" ").filter(Boolean).map(fold)

const containsRun = (haystack: ReadonlyArray<string>, needle: ReadonlyArray<string>): boolean => {
  if (needle.length === 0 || needle.length > haystack.length) return false
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((token, j) => haystack[i + j] === token)) return true
  }
  return false
}

/**
 * Whether a free answer contains an annotator answer: the annotator answer's words, plural-folded, appear in
 * order in the model's answer ("Fruit, mostly apples" contains "fruits"); for scripts written without spaces,
 * as a substring.
 */
export const containsShortAnswer = (answer: string, annotation: string): boolean => {
  const needle = normaliseAnswer(annotation)
  if (needle.length === 0) return false
  if (!needle.includes(" ") && cjk.test(needle)) return normaliseAnswer(answer).includes(needle)
  return containsRun(tokens(answer), tokens(annotation))
}

/**
 * The votes behind the best-supported annotator answer group that a free answer matches; 0 when it matches
 * none. BLEnD-style scores weight a correct answer by its support (or require a minimum).
 */
export const shortAnswerVotes = (answer: string, votes: ReadonlyArray<AnswerVotes>): number =>
  votes.reduce(
    (best, group) =>
      group.count > best && group.answers.some((form) => containsShortAnswer(answer, form))
        ? group.count
        : best,
    0,
  )

/** The part of a cloze question before its blank: what a model may restate before answering. */
const clozeStem = (probe: ProbeItem): string | undefined => {
  const at = probe.question.indexOf(probeBlank)
  return at > 0 ? probe.question.slice(0, at).trim() : undefined
}

/**
 * Whether a model's continuation answers `probe` correctly. The answer is read as `answerText` does (a JSON
 * `{"Answer": ...}` value, else the first line). Multiple choice: the picked option (by letter or text), or
 * failing that the text itself, must be an accepted answer. Cloze: an accepted answer, possibly followed by
 * the rest of the sentence. True/false: the stated truth value. Short answer: contains an accepted answer.
 */
export const gradeProbe = (probe: ProbeItem, continuation: string): boolean => {
  const text = answerText(continuation)
  const accepted = acceptedAnswers(probe)
  switch (probe.kind) {
    case "multiple-choice": {
      const picked = matchOption(text, probe.options)
      return matchesAccepted(picked === undefined ? text : probe.options[picked]!, accepted)
    }
    case "cloze": {
      const stem = clozeStem(probe)
      return matchesAccepted(text, accepted, stem === undefined ? { prefix: true } : { prefix: true, stem })
    }
    case "true-false": {
      const stated = parseTrueFalse(text)
      return stated !== undefined && stated === parseTrueFalse(probe.answers[0] ?? "")
    }
    case "short-answer":
      return accepted.some((form) => containsShortAnswer(text, form))
  }
}
