/** The paper's labels: "spam" and "not spam" (the UCI file's "ham" is "not spam"). */
export type SpamLabel = "spam" | "not spam"

export const spamLabels: ReadonlyArray<SpamLabel> = ["spam", "not spam"]

/** One labelled SMS. */
export interface SpamExample {
  readonly id: string
  readonly text: string
  readonly label: SpamLabel
}
