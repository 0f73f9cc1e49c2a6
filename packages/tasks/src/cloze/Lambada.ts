import { Effect, Either } from "effect"
import { previewLine, readDataFile, splitLines } from "../DataFile.js"
import { parseJsonLines, stringField } from "../JsonLines.js"
import { type DataFileUnreadable, MalformedLine } from "../TaskError.js"
import type { ClozeExample } from "./ClozeExample.js"

/**
 * Loaders for LAMBADA (Paperno et al. 2016). Two public layouts, both with one passage per line whose last word
 * is the target:
 * - `plain`: the original release (`lambada_test_plain_text.txt`): lower-cased, space-tokenized text; the
 *   target is the last whitespace-separated token.
 * - `jsonl`: the OpenAI/GPT-2 variant (`lambada_test.jsonl`, as in lm-evaluation-harness): `{"text": ...}` per
 *   line, detokenized; the target is the text after the last whitespace.
 * Item ids are `lambada-<line number>`. The data is not bundled; point this at a local copy.
 */
export type LambadaFormat = "plain" | "jsonl"

/** A passage split into context and last word, or a description of why it cannot be. */
const splitPassage = (passage: string): Either.Either<{ context: string; word: string }, string> => {
  const text = passage.trim()
  const at = text.search(/\s\S+$/u)
  if (text.length === 0) return Either.left("an empty passage")
  if (at < 0) return Either.left("a passage of a single word")
  return Either.right({ context: text.slice(0, at).trim(), word: text.slice(at).trim() })
}

const plainExpected = "a passage of at least two words"

/** Parses the plain-text release; `file` only names the source in errors. Empty lines are malformed. */
export const parseLambadaPlainText = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<ClozeExample>, MalformedLine> =>
  Effect.suspend(() => {
    const lines = splitLines(text)
    const out: Array<ClozeExample> = []
    for (let i = 0; i < lines.length; i++) {
      const split = splitPassage(lines[i]!)
      if (Either.isLeft(split)) {
        return Effect.fail(
          new MalformedLine({
            file,
            line: i + 1,
            expected: plainExpected,
            found: previewLine(lines[i]!),
            message: `${file}:${i + 1}: expected ${plainExpected}, found ${split.left}`,
          }),
        )
      }
      out.push({ id: `lambada-${i + 1}`, ...split.right })
    }
    return Effect.succeed(out)
  })

/** Parses the OpenAI JSON Lines variant; `file` only names the source in errors. */
export const parseLambadaJsonl = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<ClozeExample>, MalformedLine> =>
  parseJsonLines(text, file, '`{"text": "<passage of at least two words>"}`', (record) =>
    Either.flatMap(stringField(record, "text"), splitPassage).pipe(
      Either.map((split) => ({ id: `lambada-${record.line}`, ...split })),
    ),
  )

/** `jsonl` for files ending in `.jsonl` or `.json`, else `plain`. */
export const lambadaFormatOf = (file: string): LambadaFormat => (/\.jsonl?$/iu.test(file) ? "jsonl" : "plain")

/** Reads and parses a LAMBADA file, in `format` or the one its name suggests. */
export const loadLambada = (
  file: string,
  format: LambadaFormat = lambadaFormatOf(file),
): Effect.Effect<ReadonlyArray<ClozeExample>, DataFileUnreadable | MalformedLine> =>
  readDataFile(file, "the LAMBADA file").pipe(
    Effect.flatMap((text) =>
      format === "jsonl" ? parseLambadaJsonl(text, file) : parseLambadaPlainText(text, file),
    ),
  )
