/**
 * Turning a model's raw continuation into the answer it gives, and comparing answers up to case, accents and
 * punctuation. Used by every probe grader.
 */

const combiningAccents = /[\u0300-\u036f]/g
const dropped = /[.'’`ʼ]/g
const separators = /[\p{P}\p{S}]/gu
const leadingArticle = /^(?:the|a|an) /

/**
 * An answer in comparable form: Unicode-compatible (NFKC), lower case, Latin accents removed ("olá" = "ola"),
 * `%` spelled "percent", periods and apostrophes dropped ("U.S." = "US"), other punctuation and symbols as
 * spaces, single spaces, and a leading English article removed ("the left" = "left"). Scripts other than
 * Latin keep their marks, so Devanagari or Persian answers compare exactly.
 */
export const normaliseAnswer = (text: string): string =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .normalize("NFD")
    .replace(combiningAccents, "")
    .normalize("NFC")
    .replace(/%/g, " percent ")
    .replace(dropped, "")
    .replace(separators, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(leadingArticle, "")

const jsonLike = /\{[^{}]*(?:\}|$)/g
const hasColon = /[:：]/
const wrappers = /^[\s"'“”‘’「」『』[\]]+|[\s"'“”‘’「」『』[\],.;]+$/g

/**
 * The value of a JSON-style answer such as `{"Answer": "left"}`, read as Shen et al.'s evaluation does: in the
 * last `{...}` that holds a colon, the text after its last colon (ASCII or full-width) up to `}`, without
 * quotes or brackets. Tolerates what models write: a missing closing brace, unquoted values, `{“答案”： 右}`,
 * and BLEnD's `{'answer': ['rice']}`. Undefined when there is no such object.
 */
export const extractJsonAnswer = (text: string): string | undefined => {
  const candidates = [...text.matchAll(jsonLike)].map((match) => match[0]).filter((m) => hasColon.test(m))
  const last = candidates.at(-1)
  if (last === undefined) return undefined
  const body = last.endsWith("}") ? last.slice(0, -1) : last
  const cut = Math.max(body.lastIndexOf(":"), body.lastIndexOf("："))
  return body.slice(cut + 1).replace(wrappers, "")
}

/**
 * The answer a continuation gives: the value of a JSON answer object when there is one, else its first
 * non-blank line that is not a code fence, without a leading `Answer:`.
 */
export const answerText = (continuation: string): string => {
  const json = extractJsonAnswer(continuation)
  if (json !== undefined) return json
  const line =
    continuation
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0 && !l.startsWith("```")) ?? ""
  return line.replace(/^(?:final\s+)?answer\s*[:：]\s*/i, "")
}

/** Whether `text`, normalised, is `prefix` or starts with `prefix` followed by more words. */
export const startsWithWords = (text: string, prefix: string): boolean =>
  prefix.length > 0 && (text === prefix || text.startsWith(`${prefix} `))
