/**
 * Answer normalisation shared by tasks whose answer is one word (cloze, yes/no, random insertion): models add
 * spaces, capitals, quotes and trailing punctuation that do not make an answer wrong.
 */

const edgePunctuation = /^[\s"'`‘’“”.,;:!?()[\]{}*_~-]+|[\s"'`‘’“”.,;:!?()[\]{}*_~-]+$/gu

/** Lower case, curly apostrophes as straight ones, no surrounding quotes, brackets or punctuation. */
export const normaliseWord = (word: string): string =>
  word.toLowerCase().replace(/’/g, "'").replace(edgePunctuation, "")

/** The first whitespace-separated word of an answer, normalised ("" when the answer is blank). */
export const firstAnswerWord = (answer: string): string =>
  normaliseWord(answer.trimStart().split(/\s+/u)[0] ?? "")

/** Runs of whitespace (newlines included) as single spaces, trimmed: keeps an example's fields on one line. */
export const oneLine = (text: string): string => text.replace(/\s+/gu, " ").trim()
