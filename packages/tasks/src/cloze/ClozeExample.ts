/** One cloze passage: `context` is the passage without its last word, `word` is that last word. */
export interface ClozeExample {
  readonly id: string
  readonly context: string
  readonly word: string
}
