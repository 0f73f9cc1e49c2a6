/**
 * A derived form of a text (canonicalised, compacted, reversed, decoded...) that remembers, for each of its
 * UTF-16 units, which span of the original text it came from. Detectors search a view and report spans of
 * the original, so findings can be audited and redacted whatever disguise the view saw through.
 */
export interface TextView {
  readonly text: string
  /** Per unit of `text`: offset in the original where its source starts. */
  readonly starts: ReadonlyArray<number>
  /** Per unit of `text`: offset in the original where its source ends (exclusive). */
  readonly ends: ReadonlyArray<number>
}

/** A view of letters and digits only; `token[i]` numbers the original word unit `i` belonged to. */
export interface CompactView extends TextView {
  readonly token: ReadonlyArray<number>
}

/** Accumulates a view unit by unit. */
export class ViewBuilder {
  private readonly parts: Array<string> = []
  private readonly starts: Array<number> = []
  private readonly ends: Array<number> = []
  private readonly tokens: Array<number> = []

  /** Appends every unit of `text`, all coming from `[start, end)` of the original. */
  push(text: string, start: number, end: number, token = 0): void {
    for (let k = 0; k < text.length; k++) {
      this.parts.push(text[k]!)
      this.starts.push(start)
      this.ends.push(end)
      this.tokens.push(token)
    }
  }

  get length(): number {
    return this.parts.length
  }

  view(): TextView {
    return { text: this.parts.join(""), starts: this.starts, ends: this.ends }
  }

  compact(): CompactView {
    return { text: this.parts.join(""), starts: this.starts, ends: this.ends, token: this.tokens }
  }
}

/** The original span `[start, end)` that view units `from..to-1` came from. */
export const originalSpan = (view: TextView, from: number, to: number): readonly [number, number] => {
  let start = Number.POSITIVE_INFINITY
  let end = 0
  for (let k = from; k < to; k++) {
    start = Math.min(start, view.starts[k]!)
    end = Math.max(end, view.ends[k]!)
  }
  return [start, end]
}

/** The same view read backwards (a reversed secret reads forwards in it). */
export const reverseView = (view: CompactView): CompactView => ({
  text: view.text.split("").reverse().join(""),
  starts: [...view.starts].reverse(),
  ends: [...view.ends].reverse(),
  token: [...view.token].reverse(),
})

/** A run of one word's units in a compact view: `[from, to)`. */
export interface ViewWord {
  readonly text: string
  readonly from: number
  readonly to: number
}

/** The words of a compact view, in order. */
export const compactWords = (view: CompactView): Array<ViewWord> => {
  const out: Array<ViewWord> = []
  let from = 0
  for (let k = 1; k <= view.text.length; k++) {
    if (k === view.text.length || view.token[k] !== view.token[k - 1]) {
      if (k > from) out.push({ text: view.text.slice(from, k), from, to: k })
      from = k
    }
  }
  return out
}

/**
 * Concatenations of consecutive words (all passing `keep`) whose length is within `[min, max]`: the ways a
 * number or code written in groups ("4111 1111 1111 1111", "DE89 3704 ...") can sit in a text.
 */
export const wordWindows = (
  view: CompactView,
  keep: (word: ViewWord) => boolean,
  min: number,
  max: number,
): Array<ViewWord> => {
  const words = compactWords(view)
  const out: Array<ViewWord> = []
  for (let s = 0; s < words.length; s++) {
    let text = ""
    for (let e = s; e < words.length; e++) {
      const word = words[e]!
      if (!keep(word)) break
      text += word.text
      if (text.length > max) break
      if (text.length >= min) out.push({ text, from: words[s]!.from, to: word.to })
    }
  }
  return out
}
