import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml"
import type { Problem } from "./ScenarioError.js"

/**
 * Limits on a scenario file's YAML, so hostile or accidental input is refused in bounded time and memory
 * (a scenario is a few hundred lines; the largest shipped one is under 2 KiB). Parsing a 1 MiB flow mapping
 * took seconds, and YAML aliases can expand a small file into billions of values ("billion laughs").
 */
export const YamlLimits = {
  /** Bytes of a scenario file. */
  bytes: 256 * 1024,
  /** Nesting of `[` and `{`: the parser recurses per level, and nothing in a scenario nests deeper than 5. */
  flowDepth: 64,
  /** Aliases (`*name`) in one file: each costs a scan of the document when resolved. */
  aliases: 1000,
  /** The `yaml` package's guard against alias expansion (uses of an anchor × aliases inside it). */
  aliasExpansion: 100,
} as const

/** A parsed scenario document: its plain value, and where each field of it is written. */
export interface YamlSource {
  readonly raw: unknown
  /** The line of the deepest node on `path` that exists (a missing field is reported at its parent's line). */
  readonly lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined
}

/** The 1-based line and column of a character offset. */
const position = (text: string, offset: number) => {
  let line = 1
  let start = 0
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++
    start = i + 1
  }
  return { line, column: offset - start + 1 }
}

const at = (text: string, offset: number, message: string): Problem => ({
  path: "",
  ...position(text, offset),
  message,
})

/** Refusals that need no parse: size, binary content, runaway nesting. */
const precheck = (text: string): Problem | undefined => {
  const bytes = Buffer.byteLength(text, "utf8")
  if (bytes > YamlLimits.bytes) {
    const kib = (n: number) => `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`
    return at(
      text,
      // The line where the limit is passed (characters approximate bytes closely enough for a pointer).
      YamlLimits.bytes,
      `the file is ${kib(bytes)}; a scenario file may be at most ${kib(YamlLimits.bytes)} ` +
        "(scenarios are a few hundred lines: keep data in dataset files referenced by path)",
    )
  }
  const nul = text.indexOf("\u0000")
  if (nul >= 0) return at(text, nul, "not a text file: it contains a NUL byte (binary data?)")
  let depth = 0
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else if (c === "\n" && quote === "#") quote = undefined
      continue
    }
    if (c === "'" || c === '"') quote = c
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) quote = "#"
    else if (c === "[" || c === "{") {
      if (++depth > YamlLimits.flowDepth)
        return at(text, i, `nested more than ${YamlLimits.flowDepth} levels deep in [ ] or { }`)
    } else if ((c === "]" || c === "}") && depth > 0) depth--
  }
  return undefined
}

/**
 * What `toJS` cannot be trusted with: duplicate keys (the `yaml` package's own check is quadratic), aliases
 * without an anchor before them, aliases inside the node they name (a cycle), merge keys (`<<`) whose source
 * is not a map, and too many aliases. One pass; anchors resolved as the package does (the last one before).
 */
const structure = (doc: Document, lineOf: (node: Node) => number | undefined): Array<Problem> => {
  const problems: Array<Problem> = []
  const anchors = new Map<string, Node>()
  let aliases = 0
  const report = (node: Node, message: string) => {
    const line = lineOf(node)
    problems.push(line === undefined ? { path: "", message } : { path: "", line, message })
  }
  const target = (node: unknown): Node | undefined =>
    isAlias(node) ? anchors.get(node.source) : (node as Node | undefined)
  visit(doc, {
    Node: (_key, node) => {
      if (problems.length >= 20) return visit.BREAK
      if (!isAlias(node)) {
        if (node.anchor !== undefined) anchors.set(node.anchor, node)
        return undefined
      }
      if (++aliases > YamlLimits.aliases) {
        report(node, `more than ${YamlLimits.aliases} aliases (*name); write the values out`)
        return visit.BREAK
      }
      const source = anchors.get(node.source)
      if (source === undefined) {
        report(node, `alias *${node.source} has no anchor &${node.source} before it`)
      } else if (
        source.range !== undefined &&
        source.range !== null &&
        node.range !== undefined &&
        node.range !== null &&
        source.range[0] <= node.range[0] &&
        node.range[0] < source.range[2]
      ) {
        report(node, `alias *${node.source} is inside the node &${node.source} it names (a cycle)`)
      }
      return undefined
    },
    Map: (_key, map) => {
      if (map.anchor !== undefined) anchors.set(map.anchor, map)
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        // An aliased key (`*k : v`) is the key its anchor holds (anchors before it only, as the package does).
        const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key
        const key = isScalar(keyNode) ? keyNode.value : keyNode
        const merge =
          isScalar(pair.key) && (pair.key.value === "<<" || String(pair.key.value) === "Symbol(<<)")
        if (merge) {
          const value = target(pair.value)
          const sources = isSeq(value) ? value.items.map(target) : [value]
          if (sources.some((s) => s !== undefined && !isMap(s)))
            report(pair.value as Node, "a merge key (<<) takes a map or aliases of maps (<<: *base)")
          continue
        }
        if (isScalar(keyNode) && seen.has(key)) {
          report(pair.key as Node, `the key "${String(key)}" appears twice in this map; keep one`)
        }
        seen.add(key)
      }
      return undefined
    },
  })
  return problems
}

/**
 * Parses scenario text as YAML into a plain value, or says what is wrong, each problem with its line: one
 * syntax error (the first; later ones usually follow from it), or the structural problems above.
 */
export const readYamlText = (text: string): { ok: YamlSource } | { problems: ReadonlyArray<Problem> } => {
  const early = precheck(text)
  if (early !== undefined) return { problems: [early] }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: false })
  const lineOfNode = (node: Node | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined
  const first = doc.errors[0]
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0])
    return {
      problems: [{ path: "", line, column: col, message: `not valid YAML: ${first.message.split("\n")[0]}` }],
    }
  }
  const problems = structure(doc, lineOfNode)
  if (problems.length > 0) return { problems }
  // A field's line is its key's: a block list or map as its value starts on the line below the key.
  const keyNode = (path: ReadonlyArray<PropertyKey>): Node | undefined => {
    const parent =
      path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as Array<string | number>, true)
    if (!isMap(parent)) return undefined
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === path.at(-1))
    return isScalar(pair?.key) ? pair.key : undefined
  }
  const lineOf = (path: ReadonlyArray<PropertyKey>): number | undefined => {
    for (let depth = path.length; depth >= 1; depth--) {
      const prefix = path.slice(0, depth)
      const line =
        lineOfNode(keyNode(prefix)) ??
        lineOfNode(doc.getIn(prefix as Array<string | number>, true) as Node | undefined)
      if (line !== undefined) return line
    }
    // A problem with the whole document (not a map) is at its start; a missing top-level field has no line.
    return path.length === 0 ? (lineOfNode(doc.contents ?? undefined) ?? 1) : undefined
  }
  try {
    return { ok: { raw: doc.toJS({ maxAliasCount: YamlLimits.aliasExpansion }), lineOf } }
  } catch (cause) {
    // The one thing left that toJS refuses: aliases expanding too far. Point at the first alias of an anchor
    // that itself holds aliases (nesting is what multiplies), else the first alias.
    let culprit: Node | undefined
    visit(doc, {
      Alias: (_key, alias) => {
        culprit ??= alias
        const source = alias.resolve(doc)
        let nested = false
        if (source !== undefined)
          visit(source, {
            Alias: () => {
              nested = true
              return visit.BREAK
            },
          })
        if (nested) {
          culprit = alias
          return visit.BREAK
        }
        return undefined
      },
    })
    const reason = cause instanceof Error ? cause.message : String(cause)
    return {
      problems: [
        {
          path: "",
          line: lineOfNode(culprit) ?? 1,
          message: /alias count/i.test(reason)
            ? `aliases expand too far (more than ${YamlLimits.aliasExpansion} values from one anchor, as in a "billion laughs" document); write the values out`
            : `cannot read the YAML: ${reason}`,
        },
      ],
    }
  }
}
