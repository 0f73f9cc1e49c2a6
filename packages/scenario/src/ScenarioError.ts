import { Data } from "effect"

/** One thing wrong with a scenario file: where (field path, and line when known) and what was expected. */
export interface Problem {
  readonly path: string
  readonly line?: number
  readonly message: string
}

/** A scenario file that cannot be read, parsed or validated; `message` lists every problem. */
export class ScenarioError extends Data.TaggedError("ScenarioError")<{
  readonly file: string
  readonly problems: ReadonlyArray<Problem>
}> {
  override get message(): string {
    const count = this.problems.length === 1 ? "1 problem" : `${this.problems.length} problems`
    const lines = this.problems.map(
      (p) => `  ${p.line === undefined ? "" : `line ${p.line}, `}${p.path || "(file)"}: ${p.message}`,
    )
    return `${this.file}: ${count}\n${lines.join("\n")}`
  }
}
