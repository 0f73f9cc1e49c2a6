/**
 * Label scores from one chat answer's first-token `top_logprobs`, for endpoints that cannot teacher-force
 * (score mode "chat"): a label's log-probability is that of its first token as the answer's first token.
 *
 * Each label is matched to the longest top token that is a non-empty prefix of it, both compared with leading
 * whitespace trimmed (tokenizers spell a word-initial token with or without its space). A label none of the
 * top tokens begins is given the smallest top log-probability, an upper bound: it was less likely than every
 * token listed. Two labels matched to the same token cannot be told apart this way and are refused.
 */

export interface TopToken {
  readonly token: string
  readonly logprob: number
}

export type LabelMatch =
  | { readonly _tag: "Scored"; readonly logprobs: ReadonlyArray<number> }
  | { readonly _tag: "Refused"; readonly reason: string }

export const labelsFromTopLogprobs = (
  labels: ReadonlyArray<string>,
  top: ReadonlyArray<TopToken>,
): LabelMatch => {
  if (top.length === 0)
    return { _tag: "Refused", reason: "the answer's first token came without top_logprobs" }
  const floor = Math.min(...top.map((candidate) => candidate.logprob))
  const matched: Array<TopToken | undefined> = []
  for (const label of labels) {
    const text = label.trimStart()
    if (text === "") return { _tag: "Refused", reason: `label "${label}" is empty` }
    let best: TopToken | undefined
    for (const candidate of top) {
      const token = candidate.token.trimStart()
      if (token === "" || !text.startsWith(token)) continue
      const longer = best === undefined || token.length > best.token.trimStart().length
      const likelier =
        best !== undefined &&
        token.length === best.token.trimStart().length &&
        candidate.logprob > best.logprob
      if (longer || likelier) best = candidate
    }
    matched.push(best)
  }
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = matched[i]
      const b = matched[j]
      if (a !== undefined && b !== undefined && a.token.trimStart() === b.token.trimStart()) {
        return {
          _tag: "Refused",
          reason:
            `labels "${labels[i]}" and "${labels[j]}" share their first token "${a.token.trimStart()}", so ` +
            "the first token's top_logprobs cannot tell them apart",
        }
      }
    }
  }
  return { _tag: "Scored", logprobs: matched.map((match) => match?.logprob ?? floor) }
}
