/**
 * Spelled-out numbers ("seven three nine one", "twelve thirty-four", "one thousand two hundred") turned into
 * digit groups, so a code written in words matches the code in digits.
 */

const units: Readonly<Record<string, number>> = {
  zero: 0,
  nought: 0,
  nil: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
}
const teens: Readonly<Record<string, number>> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
}
const tens: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
}
const scales: Readonly<Record<string, number>> = { hundred: 100, thousand: 1000, million: 1_000_000 }
const repeats: Readonly<Record<string, number>> = { double: 2, triple: 3 }
/** "oh" reads as zero only next to other number words ("oh seven"), never alone. */
const zeroish = new Set(["oh"])

const isNumberWord = (word: string): boolean =>
  word in units || word in teens || word in tens || word in scales || word in repeats || zeroish.has(word)

/** A run of digits read from consecutive number words `from..to` (token indices, inclusive). */
export interface DigitGroup {
  readonly from: number
  readonly to: number
  readonly digits: string
}

/** A group read digit by digit ("seven", "double five"), which may join its neighbours. */
interface Piece extends DigitGroup {
  readonly single: boolean
}

const hasOwn = (record: Readonly<Record<string, number>>, key: string): boolean => Object.hasOwn(record, key)

/** Digit groups for one run of number words. Without a scale word each word is its own group. */
const parseRun = (words: ReadonlyArray<string>, offset: number): Array<Piece> => {
  const last = offset + words.length - 1
  if (words.some((w) => hasOwn(scales, w))) {
    let total = 0
    let current = 0
    for (const w of words) {
      if (hasOwn(units, w)) current += units[w]!
      else if (hasOwn(teens, w)) current += teens[w]!
      else if (hasOwn(tens, w)) current += tens[w]!
      else if (w === "hundred") current = (current || 1) * 100
      else if (hasOwn(scales, w)) {
        total += (current || 1) * scales[w]!
        current = 0
      }
    }
    return [{ from: offset, to: last, digits: String(total + current), single: false }]
  }
  const groups: Array<Piece> = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    const next = words[i + 1]
    const at = offset + i
    if (hasOwn(repeats, w) && next !== undefined && (hasOwn(units, next) || zeroish.has(next))) {
      const digit = zeroish.has(next) ? "0" : String(units[next])
      groups.push({ from: at, to: at + 1, digits: digit.repeat(repeats[w]!), single: true })
      i++
    } else if (hasOwn(tens, w) && next !== undefined && hasOwn(units, next) && units[next]! > 0) {
      groups.push({ from: at, to: at + 1, digits: String(tens[w]! + units[next]!), single: false })
      i++
    } else if (hasOwn(tens, w)) groups.push({ from: at, to: at, digits: String(tens[w]), single: false })
    else if (hasOwn(teens, w)) groups.push({ from: at, to: at, digits: String(teens[w]), single: false })
    else if (hasOwn(units, w)) groups.push({ from: at, to: at, digits: String(units[w]), single: true })
    else if (zeroish.has(w)) groups.push({ from: at, to: at, digits: "0", single: true })
  }
  return groups
}

/**
 * Digit groups found in a token sequence; `separator(i)` is the text between token i and token i + 1. Words
 * separated by spaces, hyphens or commas form one spelled number; digits read one by one and separated only by
 * spaces or hyphens join into one group ("seven three nine one" is 7391, "oh seven eight, oh five" is 078 05).
 */
export const spelledNumbers = (
  words: ReadonlyArray<string>,
  separator: (index: number) => string,
): Array<DigitGroup> => {
  const joinable = (i: number) => /^[\s,-]*$/.test(separator(i))
  const out: Array<Piece> = []
  let i = 0
  while (i < words.length) {
    if (!isNumberWord(words[i]!)) {
      i++
      continue
    }
    let j = i
    for (;;) {
      if (j + 1 < words.length && joinable(j) && isNumberWord(words[j + 1]!)) j++
      // "two hundred and five": "and" joins a scale word to what follows.
      else if (
        words[j + 1] === "and" &&
        hasOwn(scales, words[j]!) &&
        j + 2 < words.length &&
        joinable(j) &&
        joinable(j + 1) &&
        isNumberWord(words[j + 2]!)
      )
        j += 2
      else break
    }
    const run = words.slice(i, j + 1)
    // A run made only of "oh", "double" or "hundred" is ordinary prose.
    const meaningful = run.some((w) => hasOwn(units, w) || hasOwn(teens, w) || hasOwn(tens, w))
    if (meaningful) {
      // Digits join across spaces; across hyphens only when the run uses no spaces ("seven-three-nine-one"),
      // so "oh seven eight-oh five" keeps its two groups.
      const spaced = run.slice(1).some((_, n) => /^\s+$/.test(separator(i + n)))
      const mergeable = (t: number) => (spaced ? /^\s+$/ : /^[\s-]*$/).test(separator(t))
      for (const piece of parseRun(run, i)) {
        const previous = out.at(-1) as Piece | undefined
        if (
          previous?.single === true &&
          piece.single &&
          previous.to + 1 === piece.from &&
          mergeable(previous.to)
        )
          out[out.length - 1] = { ...previous, to: piece.to, digits: previous.digits + piece.digits }
        else out.push(piece)
      }
    }
    i = j + 1
  }
  return out.map(({ from, to, digits }) => ({ from, to, digits }))
}
