import { isUtf8 } from "node:buffer"
import { foldConfusable } from "./Confusables.js"
import { spelledNumbers } from "./NumberWords.js"
import { type CompactView, reverseView, type TextView, ViewBuilder } from "./TextView.js"

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}]/u
const MARKS = /\p{M}/gu
const DECIMAL_DIGIT = /\p{Nd}/u
const WORD_CHAR = /[\p{L}\p{N}]/u
const UPPER = /\p{Lu}/u
/** Symbols that stand for letters in leetspeak: @ a, $ s, ! i, | l, + t. */
const LEET_SYMBOLS = "@$!|+"
const LEET_LETTERS: Readonly<Record<string, string>> = {
  "0": "o",
  "1": "i",
  l: "i",
  "!": "i",
  "|": "i",
  "2": "z",
  "3": "e",
  "4": "a",
  "@": "a",
  "5": "s",
  $: "s",
  "6": "g",
  "7": "t",
  "+": "t",
  "8": "b",
  "9": "g",
}
/** Letters that stand for digits; o, i and l look like 0 and 1, the rest are leetspeak. */
const LOOKALIKE_DIGITS: Readonly<Record<string, string>> = { o: "0", i: "1", l: "1" }
const LEET_DIGITS: Readonly<Record<string, string>> = {
  z: "2",
  e: "3",
  a: "4",
  s: "5",
  t: "7",
  b: "8",
  g: "9",
}
/** Spelled connectors in obfuscated addresses ("jane dot doe at example dot com"), ignored when compacting. */
const CONNECTOR_WORDS = new Set(["at", "dot"])

/** A standalone "at" or "dot" (not a piece of a camelCase word such as "tAtIaNa"). */
const isConnector = (view: TextView, token: Token): boolean =>
  CONNECTOR_WORDS.has(token.text) &&
  !WORD_CHAR.test(view.text[token.start - 1] ?? " ") &&
  !WORD_CHAR.test(view.text[token.end] ?? " ")
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  commat: "@",
  period: ".",
  num: "#",
  dollar: "$",
  percnt: "%",
  hyphen: "-",
  dash: "-",
  lowbar: "_",
  sol: "/",
  colon: ":",
  excl: "!",
  plus: "+",
  equals: "=",
}
/** Maximum nesting of decoded content (base64 inside hex inside a lesson, ...). */
const MAX_DEPTH = 2

/** The value of a non-ASCII decimal digit: its distance from the start of its block of ten. */
const digitValue = (cp: number): number => {
  let start = cp
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--
  return (cp - start) % 10
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * The bytes as UTF-8 text, or undefined when they are not UTF-8. Checked before decoding: most candidates (every
 * word of six letters reads as base64) are not text, and a fatal decoder's thrown error was a seventh of a
 * population round's time.
 */
const decodeBytes = (bytes: Uint8Array): string | undefined =>
  isUtf8(bytes) ? utf8.decode(bytes) : undefined

/** Inline escapes decoded in place: HTML entities, %XX runs, \xXX runs, \uXXXX. */
const escapeAt = (
  text: string,
  i: number,
): { readonly text: string; readonly length: number } | undefined => {
  const c = text[i]
  if (c === "&") {
    const m = /&#(\d{1,7});?|&#[xX]([0-9a-fA-F]{1,6});?|&([a-zA-Z]{2,8});/y
    m.lastIndex = i
    const hit = m.exec(text)
    if (hit === null) return undefined
    const cp = hit[1] !== undefined ? Number(hit[1]) : hit[2] !== undefined ? Number.parseInt(hit[2], 16) : -1
    if (cp >= 0) return cp <= 0x10ffff ? { text: String.fromCodePoint(cp), length: hit[0].length } : undefined
    const named = NAMED_ENTITIES[hit[3]!.toLowerCase()]
    return named === undefined ? undefined : { text: named, length: hit[0].length }
  }
  if (c === "%") {
    const m = /(?:%[0-9a-fA-F]{2})+/y
    m.lastIndex = i
    const hit = m.exec(text)
    if (hit === null) return undefined
    try {
      return { text: decodeURIComponent(hit[0]), length: hit[0].length }
    } catch {
      return undefined
    }
  }
  if (c === "\\") {
    const m = /((?:\\x[0-9a-fA-F]{2})+)|\\u([0-9a-fA-F]{4})|\\u\{([0-9a-fA-F]{1,6})\}/y
    m.lastIndex = i
    const hit = m.exec(text)
    if (hit === null) return undefined
    if (hit[1] !== undefined) {
      const bytes = Uint8Array.from(hit[1].split("\\x").slice(1), (h) => Number.parseInt(h, 16))
      const decoded = decodeBytes(bytes)
      return decoded === undefined ? undefined : { text: decoded, length: hit[0].length }
    }
    const cp = Number.parseInt(hit[2] ?? hit[3]!, 16)
    return cp <= 0x10ffff ? { text: String.fromCodePoint(cp), length: hit[0].length } : undefined
  }
  return undefined
}

/** One character of the original, made plain: invisible dropped, tag characters read, NFKC, marks, look-alikes. */
const pushPlain = (out: ViewBuilder, ch: string, start: number, end: number): void => {
  const cp = ch.codePointAt(0)!
  if (cp < 0x80) {
    if ((cp < 0x20 && ch !== "\n" && ch !== "\t" && ch !== "\r") || cp === 0x7f) return
    out.push(ch, start, end)
    return
  }
  // Unicode tag characters mirror ASCII invisibly ("ASCII smuggling"); a model may still read them.
  if (cp >= 0xe0020 && cp <= 0xe007e) {
    out.push(String.fromCharCode(cp - 0xe0000), start, end)
    return
  }
  if (INVISIBLE.test(ch)) return
  if (DECIMAL_DIGIT.test(ch)) {
    out.push(String(digitValue(cp)), start, end)
    return
  }
  const plain = ch.normalize("NFKD").replace(MARKS, "").normalize("NFKC")
  for (const p of plain) out.push(foldConfusable(p), start, end)
}

const surfaceOf = (original: string): TextView => {
  const out = new ViewBuilder()
  let i = 0
  while (i < original.length) {
    const c = original[i]
    if (c === "&" || c === "%" || c === "\\") {
      const inline = escapeAt(original, i)
      if (inline !== undefined) {
        for (const ch of inline.text) pushPlain(out, ch, i, i + inline.length)
        i += inline.length
        continue
      }
    }
    const cp = original.codePointAt(i)!
    const width = cp > 0xffff ? 2 : 1
    pushPlain(out, String.fromCodePoint(cp), i, i + width)
    i += width
  }
  return out.view()
}

/** A word of the base view: `[start, end)` in base-view units. */
export interface Token {
  readonly text: string
  readonly start: number
  readonly end: number
}

/** Lower case; `upper[i]` remembers which units were capitals, to split camelCase words. */
const baseOf = (surface: TextView): { readonly view: TextView; readonly upper: ReadonlyArray<boolean> } => {
  const out = new ViewBuilder()
  const upper: Array<boolean> = []
  let k = 0
  for (const ch of surface.text) {
    const lower = ch.toLowerCase()
    const plain = lower === ch ? ch : lower.normalize("NFKD").replace(MARKS, "")
    const isUpper = UPPER.test(ch)
    out.push(plain, surface.starts[k]!, surface.ends[k + ch.length - 1]!)
    for (let n = 0; n < plain.length; n++) upper.push(isUpper)
    k += ch.length
  }
  return { view: out.view(), upper }
}

const LETTER = /\p{L}/u

/**
 * Maximal runs of word characters. With `upper` (which units were capitals), camelCase words split too:
 * "HiOlivia" and "PINOlivia" are two words each.
 */
const tokensOf = (
  base: TextView,
  isWordChar: (index: number) => boolean,
  upper?: ReadonlyArray<boolean>,
): Array<Token> => {
  const tokens: Array<Token> = []
  let start = -1
  const close = (end: number) => {
    if (start >= 0) tokens.push({ text: base.text.slice(start, end), start, end })
    start = -1
  }
  for (let k = 0; k < base.text.length; k++) {
    if (!isWordChar(k)) {
      close(k)
      continue
    }
    if (start >= 0 && upper !== undefined && upper[k] === true && LETTER.test(base.text[k - 1]!)) {
      const afterSmall = upper[k - 1] === false
      const acronymEnd =
        upper[k - 1] === true && upper[k + 1] === false && LETTER.test(base.text[k + 1] ?? "")
      if (afterSmall || acronymEnd) close(k)
    }
    if (start < 0) start = k
  }
  close(base.text.length)
  return tokens
}

/** Letters and digits of the tokens, each unit carrying its token number. */
const compactOf = (
  base: TextView,
  tokens: ReadonlyArray<Token>,
  map: (char: string) => string,
  skip: (token: Token) => boolean = () => false,
): CompactView => {
  const out = new ViewBuilder()
  tokens.forEach((token, t) => {
    if (skip(token)) return
    for (let k = token.start; k < token.end; k++)
      out.push(map(base.text[k]!), base.starts[k]!, base.ends[k]!, t)
  })
  return out.compact()
}

const rot13 = (c: string): string => {
  const code = c.charCodeAt(0)
  return code >= 97 && code <= 122 ? String.fromCharCode(((code - 97 + 13) % 26) + 97) : c
}

const rot13Text = (text: string): string =>
  text.replace(/[A-Za-z]/g, (c) => {
    const base = c <= "Z" ? 65 : 97
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base)
  })

const leetLetter = (c: string): string => LEET_LETTERS[c] ?? c

const isAsciiDigit = (c: string): boolean => c >= "0" && c <= "9"

/** Letters in a word containing digits that stand for digits ("l2З4", "1OOO"), or undefined. */
const lookalikeDigits = (word: string): string | undefined => {
  const digitCount = [...word].filter((c) => c >= "0" && c <= "9").length
  if (digitCount === word.length) return undefined
  // Words of o, l and i alone ("lOOO", "OlIl") read as digits from four letters on; shorter ones are words.
  if (digitCount === 0)
    return word.length >= 4 && /^[oli]+$/.test(word)
      ? word.replace(/o/g, "0").replace(/[li]/g, "1")
      : undefined
  const step1 = [...word].map((c) => LOOKALIKE_DIGITS[c] ?? c)
  const rest = step1.filter((c) => !(c >= "0" && c <= "9"))
  if (rest.length === 0) return step1.join("")
  if (rest.length <= digitCount && rest.every((c) => c in LEET_DIGITS))
    return step1.map((c) => LEET_DIGITS[c] ?? c).join("")
  // Otherwise only look-alikes inside a run of digits ("DE8937O4OO44"): at least two real digits in the run
  // and no more look-alikes than digits.
  // Look-alikes at a run's edge next to other letters stay letters ("hi4111" is hi, 4111).
  return word.replace(/[0-9oli]+/g, (run, at: number) => {
    const lead = at > 0 ? (run.match(/^[oli]*/)?.[0].length ?? 0) : 0
    const trail = at + run.length < word.length ? (run.match(/[oli]*$/)?.[0].length ?? 0) : 0
    const core = run.slice(lead, run.length - trail)
    const real = core.replace(/[oli]/g, "").length
    if (real < 2 || core.length - real > real) return run
    return run.slice(0, lead) + core.replace(/o/g, "0").replace(/[li]/g, "1") + run.slice(run.length - trail)
  })
}

/** A region of the text holding encoded content, and that content as a text of its own. */
export interface DecodedSegment {
  readonly start: number
  readonly end: number
  readonly encoding: "base64" | "hex" | "rot13"
  readonly text: ScanText
}

const PRINTABLE = /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\t\n\r]*$/u
const PLAIN_CHAR = /[\x20-\x7e\p{Nd}]/gu

/** Decoded bytes worth reading: printable, and mostly ASCII or digits (random bytes rarely are). */
const looksLikeText = (decoded: string | undefined): decoded is string => {
  if (decoded === undefined || decoded.length < 2 || !PRINTABLE.test(decoded)) return false
  return (decoded.match(PLAIN_CHAR)?.length ?? 0) >= 0.6 * [...decoded].length
}

const BASE64_TOKEN = /[A-Za-z0-9+/_-]{6,}={0,2}/g
const HEX_TOKEN = /(?<![0-9A-Za-z])(?:0[xX])?((?:[0-9a-fA-F]{2}){3,})(?![0-9A-Za-z])/g
const HEX_SPACED = /(?<![0-9A-Za-z])[0-9a-fA-F]{2}(?:[\s:,.-][0-9a-fA-F]{2}){2,}(?![0-9A-Za-z])/g

const decodeBase64 = (token: string): string | undefined => {
  const body = token.replace(/=+$/, "")
  if (body.length % 4 === 1) return undefined
  return decodeBytes(Buffer.from(body.replace(/-/g, "+").replace(/_/g, "/"), "base64"))
}

const decodeHex = (hex: string): string | undefined =>
  hex.length % 2 === 0 ? decodeBytes(Buffer.from(hex, "hex")) : undefined

/**
 * A lesson (or a decoded piece of one) in every canonical view the detectors need, each computed once on
 * first use:
 * - `surface`: invisible characters removed, tag characters and inline escapes read, NFKC without marks,
 *   look-alikes folded; case kept.
 * - `base`: `surface` in lower case.
 * - `compact`: letters and digits of `base` only, with word boundaries.
 * - `leet` / `leetPlain`: `compact` with leetspeak folded, leetspeak symbols read as letters or dropped,
 *   "at"/"dot" connectors dropped; plus reversed and ROT13 forms.
 * - `numeric`: `base` with spelled-out numbers and digit look-alikes turned into digits; `digits` its
 *   compact form.
 * - `decoded`: base64 and hex tokens decoded and canonicalised in turn.
 */
export class ScanText {
  private readonly memo = new Map<string, unknown>()

  constructor(
    readonly original: string,
    readonly depth = 0,
  ) {}

  private cached<A>(key: string, make: () => A): A {
    if (!this.memo.has(key)) this.memo.set(key, make())
    return this.memo.get(key) as A
  }

  get surface(): TextView {
    return this.cached("surface", () => surfaceOf(this.original))
  }

  private get baseAndCase() {
    return this.cached("baseAndCase", () => baseOf(this.surface))
  }

  get base(): TextView {
    return this.baseAndCase.view
  }

  /** Words of `base` (letters and digits; camelCase split). */
  get tokens(): ReadonlyArray<Token> {
    return this.cached("tokens", () =>
      tokensOf(this.base, (k) => WORD_CHAR.test(this.base.text[k]!), this.baseAndCase.upper),
    )
  }

  /** Words of `base` without camelCase splitting ("l9oO" stays one word, read as 1900). */
  private get wholeTokens(): ReadonlyArray<Token> {
    return this.cached("wholeTokens", () => tokensOf(this.base, (k) => WORD_CHAR.test(this.base.text[k]!)))
  }

  get compact(): CompactView {
    return this.cached("compact", () => compactOf(this.base, this.tokens, (c) => c))
  }

  /** Words where leetspeak symbols next to a letter or digit count as letters ("0l!v!@"). */
  private get leetTokens(): ReadonlyArray<Token> {
    return this.cached("leetTokens", () => {
      // A run of letters, digits and leetspeak symbols counts if it holds at least one letter or digit.
      const text = this.base.text
      const inRun = (k: number) => WORD_CHAR.test(text[k]!) || LEET_SYMBOLS.includes(text[k]!)
      const keep = new Array<boolean>(text.length).fill(false)
      for (let k = 0; k < text.length; ) {
        if (!inRun(k)) {
          k++
          continue
        }
        let end = k
        while (end < text.length && inRun(end)) end++
        let hasWord = false
        for (let n = k; n < end; n++) if (WORD_CHAR.test(text[n]!)) hasWord = true
        if (hasWord) keep.fill(true, k, end)
        k = end
      }
      return tokensOf(this.base, (k) => keep[k]!, this.baseAndCase.upper)
    })
  }

  get leet(): CompactView {
    return this.cached("leet", () =>
      compactOf(this.base, this.leetTokens, leetLetter, (t) => isConnector(this.base, t)),
    )
  }

  /** Like `leet`, but a word's trailing "!" is punctuation ("0l1v1@!" is 0l1v1@ and an exclamation mark). */
  get leetTrimmed(): CompactView {
    return this.cached("leetTrimmed", () => {
      const text = this.base.text
      const trimmed = this.leetTokens.map((t) => {
        let end = t.end
        while (end - 1 > t.start && text[end - 1] === "!") end--
        return { ...t, end, text: text.slice(t.start, end) }
      })
      return compactOf(this.base, trimmed, leetLetter, (t) => isConnector(this.base, t))
    })
  }

  /** Like `leet`, but leetspeak symbols are punctuation ("Olivia!" is the name and an exclamation mark). */
  get leetPlain(): CompactView {
    return this.cached("leetPlain", () =>
      compactOf(this.base, this.tokens, leetLetter, (t) => isConnector(this.base, t)),
    )
  }

  get leetReversed(): CompactView {
    return this.cached("leetReversed", () => reverseView(this.leet))
  }

  get leetPlainReversed(): CompactView {
    return this.cached("leetPlainReversed", () => reverseView(this.leetPlain))
  }

  get leetRot13(): CompactView {
    return this.cached("leetRot13", () =>
      compactOf(
        this.base,
        this.tokens,
        (c) => leetLetter(rot13(c)),
        (t) => isConnector(this.base, t),
      ),
    )
  }

  /** `base` with spelled-out numbers as digits and digit look-alikes in numbers read as digits. */
  get numeric(): TextView {
    return this.cached("numeric", () => {
      const base = this.base
      const tokens = this.wholeTokens
      const words = tokens.map((t) => t.text)
      const groups = spelledNumbers(words, (i) => base.text.slice(tokens[i]!.end, tokens[i + 1]!.start))
      const groupAt = new Map(groups.map((g) => [g.from, g]))
      const out = new ViewBuilder()
      let k = 0
      let t = 0
      while (t < tokens.length) {
        const token = tokens[t]!
        for (; k < token.start; k++) out.push(base.text[k]!, base.starts[k]!, base.ends[k]!)
        const group = groupAt.get(t)
        if (group !== undefined) {
          const last = tokens[group.to]!
          out.push(group.digits, base.starts[token.start]!, base.ends[last.end - 1]!)
          // Adjacent groups ("one two") stay separate numbers.
          if (groupAt.has(group.to + 1) && last.end === tokens[group.to + 1]!.start)
            out.push(" ", base.ends[last.end - 1]!, base.ends[last.end - 1]!)
          k = last.end
          t = group.to + 1
          continue
        }
        const digits = lookalikeDigits(token.text)
        for (let n = token.start; n < token.end; n++)
          out.push(digits?.[n - token.start] ?? base.text[n]!, base.starts[n]!, base.ends[n]!)
        k = token.end
        t++
      }
      for (; k < base.text.length; k++) out.push(base.text[k]!, base.starts[k]!, base.ends[k]!)
      return out.view()
    })
  }

  /** Letters and digits of `numeric`; separators between digits vanish ("4 1 1 1" reads 4111). */
  get digits(): CompactView {
    return this.cached("digits", () => {
      const numeric = this.numeric
      const out = new ViewBuilder()
      // A word ends at a separator and where letters turn into digits or back ("PIN1234" is PIN, 1234).
      let token = 0
      let previous: string | undefined
      for (let k = 0; k < numeric.text.length; k++) {
        const c = numeric.text[k]!
        if (!WORD_CHAR.test(c)) {
          if (previous !== undefined) token++
          previous = undefined
          continue
        }
        if (previous !== undefined && isAsciiDigit(previous) !== isAsciiDigit(c)) token++
        previous = c
        out.push(c, numeric.starts[k]!, numeric.ends[k]!, token)
      }
      return out.compact()
    })
  }

  get digitsReversed(): CompactView {
    return this.cached("digitsReversed", () => reverseView(this.digits))
  }

  /** `leetPlain` read from `numeric`: spelled-out digits inside codes with letters ("DE eight nine ..."). */
  get leetNumeric(): CompactView {
    return this.cached("leetNumeric", () => {
      const numeric = this.numeric
      const tokens = tokensOf(numeric, (k) => WORD_CHAR.test(numeric.text[k]!))
      return compactOf(numeric, tokens, leetLetter, (t) => isConnector(numeric, t))
    })
  }

  /** base64 and hex tokens whose bytes decode to readable text, each as a text of its own. */
  get decoded(): ReadonlyArray<DecodedSegment> {
    return this.cached("decoded", () => {
      if (this.depth >= MAX_DEPTH) return []
      const surface = this.surface
      const out: Array<DecodedSegment> = []
      const seen = new Set<string>()
      const add = (
        from: number,
        to: number,
        encoding: DecodedSegment["encoding"],
        decoded: string | undefined,
      ) => {
        if (!looksLikeText(decoded)) return
        const key = `${from}:${to}`
        if (seen.has(key)) return
        seen.add(key)
        out.push({
          start: surface.starts[from]!,
          end: surface.ends[to - 1]!,
          encoding,
          text: new ScanText(decoded, this.depth + 1),
        })
      }
      for (const m of surface.text.matchAll(HEX_TOKEN))
        add(m.index, m.index + m[0].length, "hex", decodeHex(m[1]!))
      for (const m of surface.text.matchAll(HEX_SPACED))
        add(m.index, m.index + m[0].length, "hex", decodeHex(m[0].replace(/[^0-9a-fA-F]/g, "")))
      for (const m of surface.text.matchAll(BASE64_TOKEN)) {
        if (seen.has(`${m.index}:${m.index + m[0].length}`)) continue
        add(m.index, m.index + m[0].length, "base64", decodeBase64(m[0]))
      }
      // The whole lesson in ROT13, so everything (spelled digits, addresses, codes) is also read un-rotated.
      if (this.depth === 0 && /[a-z]/i.test(surface.text))
        out.push({
          start: 0,
          end: this.original.length,
          encoding: "rot13",
          text: new ScanText(rot13Text(surface.text), this.depth + 1),
        })
      return out
    })
  }
}
