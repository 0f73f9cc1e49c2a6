export type YesNoLabel = "yes" | "no"

export const yesNoLabels: ReadonlyArray<YesNoLabel> = ["yes", "no"]

/** One BoolQ-style item: a passage, a yes/no question about it, and the answer. */
export interface YesNoExample {
  readonly id: string
  readonly passage: string
  readonly question: string
  readonly answer: YesNoLabel
}
