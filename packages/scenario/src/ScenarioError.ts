import { Data } from "effect"

/** One thing wrong with a scenario file: where (field path, line and column when known) and what was expected. */
export interface Problem {
  readonly path: string
  readonly line?: number
  readonly column?: number
  readonly message: string
}

/** Where a problem is, as printed: `line 12, column 3, tasks[0].dataset.path`. */
export const problemLocation = (p: Problem): string =>
  [
    p.line === undefined ? undefined : `line ${p.line}`,
    p.column === undefined ? undefined : `column ${p.column}`,
    p.path || (p.line === undefined ? "(file)" : undefined),
  ]
    .filter((part) => part !== undefined)
    .join(", ")

/** A scenario file that cannot be read, parsed or validated; `message` lists every problem. */
export class ScenarioError extends Data.TaggedError("ScenarioError")<{
  readonly file: string
  readonly problems: ReadonlyArray<Problem>
}> {
  override get message(): string {
    const count = this.problems.length === 1 ? "1 problem" : `${this.problems.length} problems`
    const lines = this.problems.map((p) => `  ${problemLocation(p)}: ${p.message}`)
    return `${this.file}: ${count}\n${lines.join("\n")}`
  }
}
