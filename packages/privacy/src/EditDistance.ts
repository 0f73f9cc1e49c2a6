/**
 * The smallest number of single-character insertions and deletions (no substitutions) that turn `pattern`
 * into some substring of `text`: Social Learning's App. D distance before normalisation. Semi-global
 * alignment, O(|pattern|·|text|) time and O(|text|) memory.
 */
export const indelDistanceToSubstring = (pattern: string, text: string): number => {
  const m = pattern.length
  const n = text.length
  if (m === 0) return 0
  // Row i holds, for each end position j in `text`, the best distance of pattern[0, i) to a substring
  // ending at j; row 0 is all zeros because a substring may start anywhere.
  let prev = new Int32Array(n + 1)
  let cur = new Int32Array(n + 1)
  for (let i = 1; i <= m; i++) {
    cur[0] = i
    const pc = pattern.charCodeAt(i - 1)
    for (let j = 1; j <= n; j++) {
      let best = prev[j]! + 1
      const insert = cur[j - 1]! + 1
      if (insert < best) best = insert
      if (pc === text.charCodeAt(j - 1) && prev[j - 1]! < best) best = prev[j - 1]!
      cur[j] = best
    }
    const swap = prev
    prev = cur
    cur = swap
  }
  let min = m
  for (let j = 0; j <= n; j++) if (prev[j]! < min) min = prev[j]!
  return min
}

/**
 * Social Learning's normalised distance of a generated text to the private prompt it came from: the
 * insert/delete distance to the closest substring of `source`, divided by the generated text's length.
 * 0 is a verbatim copy; values near 1 share little. An empty text scores 0.
 */
export const normalizedDistance = (generated: string, source: string): number =>
  generated.length === 0 ? 0 : indelDistanceToSubstring(generated, source) / generated.length

/** Length of the longest common substring of two strings (dynamic programming, O(|a|·|b|)). */
export const longestCommonSubstring = (a: string, b: string): number => {
  let best = 0
  let prev = new Int32Array(b.length + 1)
  let cur = new Int32Array(b.length + 1)
  for (let i = 1; i <= a.length; i++) {
    const ac = a.charCodeAt(i - 1)
    for (let j = 1; j <= b.length; j++) {
      cur[j] = ac === b.charCodeAt(j - 1) ? prev[j - 1]! + 1 : 0
      if (cur[j]! > best) best = cur[j]!
    }
    const swap = prev
    prev = cur
    cur = swap
    cur.fill(0)
  }
  return best
}
