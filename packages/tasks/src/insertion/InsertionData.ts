import { makeRng, type Rng } from "@lyceum/core"
import type { InsertionExample } from "./InsertionExample.js"
import { insertionWords } from "./InsertionWords.js"

/**
 * The symbols GPT-3's random insertion task inserts: punctuation marks and the space. `=` is left out because
 * it separates the scrambled word from the answer.
 */
export const insertionSymbols: ReadonlyArray<string> = [
  " ",
  ".",
  ",",
  "!",
  "?",
  ";",
  ":",
  "/",
  "-",
  "'",
  '"',
  "*",
  "+",
  "#",
  "&",
  "%",
  "@",
  "~",
  "(",
  ")",
]

/**
 * `word` with one random symbol between every two of its characters (Brown et al. 2020, "random insertion in
 * word": `succession` → `s.u!c/c!e.s s i/o/n`).
 */
export const insertRandomSymbols = (word: string, rng: Rng): string =>
  [...word].map((char, i) => (i === 0 ? char : `${rng.pick(insertionSymbols)}${char}`)).join("")

/**
 * `size` (default 300) built-in random insertion items: words drawn uniformly with replacement from `words`
 * (default the built-in list of 349), each with fresh random symbols, so a word can recur with different
 * insertions as in a sample from a vocabulary. Deterministic per seed; ids `builtin-insertion-0000`, ...
 */
export const builtinInsertionItems = (
  seed = 0,
  size = 300,
  words: ReadonlyArray<string> = insertionWords,
): ReadonlyArray<InsertionExample> => {
  const rng = makeRng(seed).fork("builtin-insertion")
  return Array.from({ length: size }, (_, i) => {
    const word = rng.pick(words)
    return {
      id: `builtin-insertion-${String(i).padStart(4, "0")}`,
      word,
      scrambled: insertRandomSymbols(word, rng),
    }
  })
}
