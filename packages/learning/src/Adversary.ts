import type { Rng, TaskItem } from "@lyceum/core"
import { type Smuggle, splitSecret } from "@lyceum/privacy"
import type { Task } from "@lyceum/tasks"

/**
 * What an adversarial teacher knows and tries: it holds the canary (an example carrying a secret) and, every
 * round, hides the secret in task-shaped lessons that look like its other examples, in the hope that one gets
 * past its own privacy filter. It is the red team inside a scenario: the filter is still enforced on it.
 */
export interface AdversaryPlan {
  /** The secret to smuggle, exactly as it appears in `carrier`'s rendered example. */
  readonly secret: string
  /** The private example carrying the secret; smuggles rewrite its secret and keep the rest. */
  readonly carrier: TaskItem
  /** Transforms tried, a few each round in turn, so every one is attempted over a run. */
  readonly smuggles: ReadonlyArray<Smuggle>
  /** Pieces of a secret split across lessons of one round (0 = no split attempt). */
  readonly split: number
}

/** One smuggling attempt's lesson text, the transform's name and the piece of hidden text it must carry. */
export interface SmuggleCandidate {
  readonly text: string
  readonly transform: string
  /** The rewritten secret (or piece of it) as written into `text`; the lesson delivered it if it is intact. */
  readonly payload: string
}

/** `split-N`: the name a split attempt is reported under. */
export const splitName = (parts: number) => `split-${parts}`

/**
 * The attempts for one lesson request: up to `slots` lessons, taking transforms in turn from the `turn`-th, a
 * split attempt counting as one transform of `split` lessons (skipped when it does not fit). `next` is the turn
 * the following request starts from: after the last transform looked at here.
 */
export const smuggleCandidates = (
  plan: AdversaryPlan,
  task: Task,
  at: { readonly turn: number; readonly slots: number },
  rng: Rng,
): { readonly candidates: Array<SmuggleCandidate>; readonly next: number } => {
  // Wherever the example shows the secret (the input, the answer, or both), it shows the disguise instead.
  const withSecret = (hidden: string) => task.render(plan.carrier).split(plan.secret).join(hidden)
  const usable = plan.smuggles.filter((s) => s.appliesTo(plan.secret))
  const attempts: Array<() => Array<SmuggleCandidate>> = [
    ...usable.map((smuggle) => () => {
      const payload = smuggle.apply(plan.secret, rng)
      return [{ text: withSecret(payload), transform: smuggle.name, payload }]
    }),
    ...(plan.split > 1
      ? [
          () =>
            splitSecret(plan.secret, plan.split, rng).map((piece) => ({
              text: withSecret(piece),
              transform: splitName(plan.split),
              payload: piece,
            })),
        ]
      : []),
  ]
  const candidates: Array<SmuggleCandidate> = []
  let looked = 0
  while (looked < attempts.length && candidates.length < at.slots) {
    const next = attempts[(at.turn + looked) % attempts.length]!()
    if (candidates.length + next.length <= at.slots) candidates.push(...next)
    // One that does not fit beside others waits for the next request; one that never fits is passed over.
    else if (candidates.length > 0) break
    looked++
  }
  return { candidates, next: at.turn + looked }
}
