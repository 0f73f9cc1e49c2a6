/** What the filter did with one lesson. `flag` lets it through but records the finding. */
export type FilterAction = "allow" | "flag" | "drop"

export interface FilterDecision {
  readonly action: FilterAction
  /** The detector that decided, when one fired. */
  readonly detector?: string | undefined
  /** Why, without repeating the private text. */
  readonly reason?: string | undefined
}

/** A detector looks at a candidate lesson and reports a finding, or nothing. */
export interface Detector {
  readonly name: string
  readonly inspect: (text: string) => string | undefined
}
