import type { ScanText } from "./ScanText.js"
import { type CompactView, compactWords, originalSpan } from "./TextView.js"

/**
 * A piece of a secret hidden among other words: "the code starts 73 ... and ends 91", or half a name per
 * lesson. Pieces are digit groups (for numeric secrets) or uncommon words (for the rest); a chain of pieces
 * that spells the secret, in order and close together, is a finding.
 */
export interface Fragment {
  readonly text: string
  /** Position in the stream (digit group number or word number), to measure gaps. */
  readonly pos: number
  /** Span in the lesson it came from. */
  readonly start: number
  readonly end: number
  /** Whether it is in the lesson being checked (not one the student already received). */
  readonly fresh: boolean
  /** A common word: allowed in a chain, but not a chain of common words only. */
  readonly common?: boolean
}

/**
 * Common words (and the pieces contractions leave: it's, don't, I'll) may be pieces, but a chain needs at
 * least one uncommon piece: "as" + "her" must not spell Asher.
 */
const commonWords = new Set(
  (
    "a about after again all also am an and any are as at away back be been before being but by can come " +
    "could day did do does done down each even ever for from get go going good got had has have he her here " +
    "him his how i if in into is it its just know last like look made make many may me more most much must " +
    "my new no not now of off oh ok old on once one only or other our out over own per put said same say see " +
    "she should so some still such take than that the their them then there these they this those to too " +
    "two up us use very want was way we well were what when where which while who why will with would yes " +
    "yet you your s t m d ll re ve o x"
  ).split(" "),
)

const isDigit = (c: string): boolean => c >= "0" && c <= "9"

/** Maximal digit runs of a digits view, one per word and never across letters. */
export const digitGroups = (view: CompactView): Array<{ text: string; from: number; to: number }> => {
  const out: Array<{ text: string; from: number; to: number }> = []
  let from = -1
  for (let k = 0; k <= view.text.length; k++) {
    const inRun =
      k < view.text.length && isDigit(view.text[k]!) && (from < 0 || view.token[k] === view.token[k - 1])
    if (from >= 0 && !inRun) {
      out.push({ text: view.text.slice(from, k), from, to: k })
      from = -1
    }
    if (k < view.text.length && isDigit(view.text[k]!) && from < 0) from = k
  }
  return out
}

/** Digit groups of a text as fragments, numbered from `firstPos`. */
export const digitFragments = (text: ScanText, firstPos: number, fresh: boolean): Array<Fragment> => {
  const view = text.digits
  return digitGroups(view).map((g, i) => {
    const [start, end] = originalSpan(view, g.from, g.to)
    return { text: g.text, pos: firstPos + i, start, end, fresh }
  })
}

/**
 * Uncommon words of a text that occur inside one of `forms` (leet-folded), as fragments numbered by word
 * position from `firstPos`; also returns how many words the text had.
 */
export const wordFragments = (
  text: ScanText,
  forms: ReadonlyArray<string>,
  firstPos: number,
  fresh: boolean,
): { readonly fragments: Array<Fragment>; readonly words: number } => {
  const view = text.leetPlain
  const words = compactWords(view)
  const fragments: Array<Fragment> = []
  words.forEach((w, i) => {
    if (!forms.some((form) => form.length > w.text.length && form.includes(w.text))) return
    const [start, end] = originalSpan(view, w.from, w.to)
    const common = commonWords.has(text.original.slice(start, end).toLowerCase())
    fragments.push({ text: w.text, pos: firstPos + i, start, end, fresh, common })
  })
  return { fragments, words: words.length }
}

/**
 * Chains of at least two fragments, in stream order with at most `maxGap` positions between neighbours, that
 * spell `form` exactly. With `needFresh`, a chain must use a fragment of the lesson being checked.
 */
export const findChains = (
  fragments: ReadonlyArray<Fragment>,
  form: string,
  maxGap: number,
  needFresh: boolean,
): Array<ReadonlyArray<Fragment>> => {
  const chains: Array<ReadonlyArray<Fragment>> = []
  const extend = (i: number, offset: number, chain: Array<Fragment>): boolean => {
    if (offset === form.length) {
      if (
        chain.length >= 2 &&
        (!needFresh || chain.some((f) => f.fresh)) &&
        chain.some((f) => f.common !== true)
      ) {
        chains.push([...chain])
        return true
      }
      return false
    }
    const here = fragments[i]!
    for (let j = i + 1; j < fragments.length; j++) {
      const next = fragments[j]!
      if (next.pos - here.pos - 1 > maxGap) break
      if (next.pos <= here.pos || !form.startsWith(next.text, offset)) continue
      chain.push(next)
      if (extend(j, offset + next.text.length, chain)) return true
      chain.pop()
    }
    return false
  }
  fragments.forEach((f, i) => {
    if (f.text.length > 0 && f.text.length < form.length && form.startsWith(f.text))
      extend(i, f.text.length, [f])
  })
  return chains
}
