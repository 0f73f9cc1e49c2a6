import type { Detector, Match } from "./FilterDecision.js"
import { normalizeText } from "./Normalize.js"
import { ScanText, type Token } from "./ScanText.js"

/** Words of a text joined by single spaces and padded, with the character offset where each word starts. */
const wordLine = (tokens: ReadonlyArray<Token>) => {
  const offsets: Array<number> = []
  let line = " "
  for (const token of tokens) {
    offsets.push(line.length)
    line += `${token.text} `
  }
  return { line, offsets }
}

const spanOfWords = (text: ScanText, first: number, last: number): readonly [number, number] => {
  const tokens = text.tokens
  return [text.base.starts[tokens[first]!.start]!, text.base.ends[tokens[last]!.end - 1]!]
}

/**
 * Fires when a lesson contains one of the teacher's private texts word for word (case, punctuation, spacing,
 * width, invisible characters and look-alikes ignored). Private texts shorter than `minLength` characters are
 * ignored: a two-word message would match ordinary prose.
 */
export const verbatimDetector = (privateTexts: ReadonlyArray<string>, minLength = 12): Detector => {
  const privates = privateTexts
    .map((text, index) => ({ index, text }))
    .filter(({ text }) => normalizeText(text).length >= minLength)
    .map(({ index, text }) => {
      const tokens = new ScanText(text).tokens
      return { index, words: tokens.length, line: wordLine(tokens).line }
    })
    .filter((p) => p.words > 0)
  return {
    name: "verbatim",
    scan: (text) => {
      if (privates.length === 0) return []
      const { line, offsets } = wordLine(text.tokens)
      const out: Array<Match> = []
      for (const p of privates) {
        for (let at = line.indexOf(p.line); at >= 0; at = line.indexOf(p.line, at + 1)) {
          const first = offsets.indexOf(at + 1)
          if (first < 0) continue
          const [start, end] = spanOfWords(text, first, first + p.words - 1)
          out.push({ start, end, reason: `copies private example #${p.index} (${p.words} words)` })
        }
      }
      return out
    },
  }
}

/**
 * Fires when a lesson shares a run of at least `words` consecutive words (word shingles) with a private text:
 * partial copies that `verbatimDetector` misses. Reports each maximal shared run.
 */
export const overlapDetector = (privateTexts: ReadonlyArray<string>, words = 8): Detector => {
  const shingles = new Map<string, number>()
  privateTexts.forEach((text, index) => {
    const tokens = new ScanText(text).tokens.map((t) => t.text)
    for (let i = 0; i + words <= tokens.length; i++) {
      const key = tokens.slice(i, i + words).join(" ")
      if (!shingles.has(key)) shingles.set(key, index)
    }
  })
  return {
    name: "overlap",
    scan: (text) => {
      if (shingles.size === 0) return []
      const tokens = text.tokens.map((t) => t.text)
      const out: Array<Match> = []
      let runStart = -1
      let runSource = -1
      const close = (last: number) => {
        if (runStart < 0) return
        const [start, end] = spanOfWords(text, runStart, last)
        const shared = last - runStart + 1
        out.push({
          start,
          end,
          reason: `shares ${shared} consecutive words with private example #${runSource}`,
        })
        runStart = -1
      }
      for (let i = 0; i + words <= tokens.length; i++) {
        const source = shingles.get(tokens.slice(i, i + words).join(" "))
        if (source === undefined) {
          if (runStart >= 0 && i + words - 2 >= runStart) close(i + words - 2)
          continue
        }
        if (runStart < 0) {
          runStart = i
          runSource = source
        }
      }
      if (runStart >= 0) close(tokens.length - 1)
      return out
    },
  }
}
