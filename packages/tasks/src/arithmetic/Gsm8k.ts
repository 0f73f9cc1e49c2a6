import { Effect, Either } from "effect"
import { readDataFile } from "../DataFile.js"
import { parseJsonLines, stringField } from "../JsonLines.js"
import type { DataFileUnreadable, MalformedLine } from "../TaskError.js"
import type { ArithmeticExample } from "./ArithmeticExample.js"
import { finalAnswer } from "./FinalAnswer.js"

/**
 * Loader for GSM8K (Cobbe et al. 2021) as OpenAI publishes it (`train.jsonl`, `test.jsonl`): one
 * `{"question": ..., "answer": ...}` object per line, the answer a worked solution ending in `#### <number>`.
 * Item ids are `gsm8k-<line number>`. The data is not bundled; point this at a local copy.
 */

const expected = '`{"question": "...", "answer": "... #### <number>"}`'

/** Parses GSM8K JSON Lines; `file` only names the source in errors. */
export const parseGsm8k = (
  text: string,
  file: string,
): Effect.Effect<ReadonlyArray<ArithmeticExample>, MalformedLine> =>
  parseJsonLines(text, file, expected, (record) =>
    Either.all([stringField(record, "question"), stringField(record, "answer")]).pipe(
      Either.flatMap(([question, answer]) =>
        finalAnswer(answer) === undefined
          ? Either.left("an answer without `#### <number>`")
          : Either.right({ id: `gsm8k-${record.line}`, question, answer }),
      ),
    ),
  )

/** Reads and parses a GSM8K JSON Lines file. */
export const loadGsm8k = (
  file: string,
): Effect.Effect<ReadonlyArray<ArithmeticExample>, DataFileUnreadable | MalformedLine> =>
  readDataFile(file, "the GSM8K file").pipe(Effect.flatMap((text) => parseGsm8k(text, file)))
