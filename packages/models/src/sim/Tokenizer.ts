/**
 * The sim model's tokenizer: words (with inner apostrophes, e.g. "don't"), runs of digits, single punctuation
 * marks, and the newline as a token of its own so that example separators ("\n\n") and label lines stay visible
 * to the model. Other whitespace only separates tokens. Tokens keep their case; the model matches on `tokenKey`.
 */

const tokenPattern = /\n|[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\p{N}+|[^\s\p{L}\p{M}\p{N}]/gu

export const newline = "\n"

export const tokenize = (text: string): Array<string> => text.match(tokenPattern) ?? []

/** The case-insensitive identity of a token (curly apostrophes read as straight ones). */
export const tokenKey = (token: string): string => token.toLowerCase().replace(/’/g, "'")

export const isNumberKey = (key: string): boolean => /^\p{N}+$/u.test(key)

const attachToPrevious = new Set([
  ".",
  ",",
  "!",
  "?",
  ";",
  ":",
  ")",
  "]",
  "}",
  "%",
  "+",
  "'",
  "’",
  "-",
  "/",
  "&",
  "@",
  "…",
])
const attachToNext = new Set(["(", "[", "{", "£", "$", "€", "#", "@", "'", "’", "-", "/", "&"])
const isDigits = (token: string | undefined): boolean => token !== undefined && /^\p{N}+$/u.test(token)

/** What joining needs to remember about the text so far. */
export interface JoinState {
  readonly previous: string | undefined
  readonly beforePrevious: string | undefined
  /** Whether a double quote is open, so the next one closes it. */
  readonly quoteOpen: boolean
  /** Whether the text so far ends in whitespace (then the next token needs no space). */
  readonly endsInSpace: boolean
}

export const emptyJoinState: JoinState = {
  previous: undefined,
  beforePrevious: undefined,
  quoteOpen: false,
  endsInSpace: true,
}

const needsSpace = (state: JoinState, token: string): boolean => {
  const { previous, beforePrevious } = state
  if (state.endsInSpace || previous === undefined) return false
  if (token === newline || previous === newline) return false
  if (token === '"') return !state.quoteOpen
  if (previous === '"') return !state.quoteOpen
  // "7:45", "1.50", "10,000": separators between digits attach on both sides.
  if (
    isDigits(token) &&
    (previous === ":" || previous === "." || previous === ",") &&
    isDigits(beforePrevious)
  ) {
    return false
  }
  return !attachToPrevious.has(token) && !attachToNext.has(previous)
}

/** Appends `token` to text in `state`: returns the text to append (with any space) and the next state. */
export const joinToken = (
  state: JoinState,
  token: string,
): { readonly text: string; readonly state: JoinState } => ({
  text: needsSpace(state, token) ? ` ${token}` : token,
  state: {
    previous: token,
    beforePrevious: state.previous,
    quoteOpen: token === '"' ? !state.quoteOpen : state.quoteOpen,
    endsInSpace: token === newline,
  },
})

/** The join state after `text` (tokenized as `tokens`); used to continue a prompt. */
export const joinStateAfter = (text: string, tokens: ReadonlyArray<string>): JoinState => {
  let quoteOpen = false
  for (const token of tokens) if (token === '"') quoteOpen = !quoteOpen
  return {
    previous: tokens.at(-1),
    beforePrevious: tokens.at(-2),
    quoteOpen,
    endsInSpace: text.length === 0 || /\s$/u.test(text),
  }
}

/** Joins tokens into text: no space before closing punctuation, none around newlines. */
export const detokenize = (tokens: ReadonlyArray<string>, from: JoinState = emptyJoinState): string => {
  let state = from
  let text = ""
  for (const token of tokens) {
    const joined = joinToken(state, token)
    text += joined.text
    state = joined.state
  }
  return text
}
