/** One random insertion item: `scrambled` is `word` with a random symbol inserted between every two letters. */
export interface InsertionExample {
  readonly id: string
  readonly word: string
  readonly scrambled: string
}
