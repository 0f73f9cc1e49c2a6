import { Effect } from "effect"
import { type CanaryDraw, type CanaryTemplate, renderCanary } from "../../src/Canary.js"
import { type Scorer, secretSharerRank } from "../../src/SecretSharer.js"

/**
 * What a run measures per student (runner's `measureCanary`): the canary and its alternatives, each rendered
 * into the template and scored, then the canary's 0-based rank among them (ties counted half).
 */
export const canaryRank = <E>(score: Scorer<E>, template: CanaryTemplate, draw: CanaryDraw) =>
  Effect.forEach([draw.canary, ...draw.alternatives], (filling) =>
    score(renderCanary(template, filling)),
  ).pipe(Effect.map((scores) => secretSharerRank(scores[0]!, scores.slice(1))))
