import { Actor } from "@lyceum/actors"
import { agentFailed } from "@lyceum/coalition"
import { deriveSeed } from "@lyceum/core"
import { type LanguageModel, type ModelPrices, meanLogprob } from "@lyceum/models"
import type { Task } from "@lyceum/tasks"
import { Effect } from "effect"
import { AggregatorProtocol } from "../Protocol.js"
import { candidatesContext, verifyPrompt } from "./Prompts.js"
import { addUsage, callUsage } from "./Usage.js"

export interface AggregatorSetup {
  readonly id: string
  readonly task: Task
  readonly model: LanguageModel
  readonly prices: ModelPrices | undefined
  readonly seed: number
}

/**
 * The agent that combines proposers' cleared answers; it holds no private data.
 * - `Prefer` (judge): shown both candidates in the given order, which is the likelier answer to the item? The
 *   judge scores each candidate as the continuation of the item asked after the two answered copies; the higher
 *   mean log-probability wins and an exact tie goes to the first shown. Asked in both orders by the coordinator,
 *   so a winner that changes with the order is a position flip.
 * - `Fuse` (fuser, moa aggregator): shown every candidate, it writes the answer (greedy).
 * - `Verify` (cascade verifier): P(yes) of " yes" against " no" after the answered item and the question.
 */
export const makeAggregator = (setup: AggregatorSetup) => {
  const { task, model } = setup
  const fail = agentFailed(setup.id)
  return {
    prefer: (item: Parameters<Task["prompt"]>[0], first: string, second: string) =>
      Effect.gen(function* () {
        const prompt = task.prompt(item, candidatesContext(task, item, [first, second]))
        const [a, b] = yield* Effect.forEach([first, second], (continuation) =>
          model.score({ prompt, continuation }),
        )
        const winner: 0 | 1 = meanLogprob(b!) > meanLogprob(a!) ? 1 : 0
        return {
          winner,
          usage: addUsage(callUsage(a!.usage, setup.prices), callUsage(b!.usage, setup.prices)),
        }
      }).pipe(Effect.mapError(fail)),
    fuse: (item: Parameters<Task["prompt"]>[0], candidates: ReadonlyArray<string>) =>
      model
        .generate({
          prompt: task.prompt(item, candidatesContext(task, item, candidates)),
          temperature: 0,
          maxTokens: task.maxAnswerTokens ?? 32,
          stop: task.stop,
          seed: deriveSeed(setup.seed, "fuse", item.id),
        })
        .pipe(
          Effect.map((response) => ({
            answer: response.texts[0] ?? "",
            usage: callUsage(response.usage, setup.prices),
          })),
          Effect.mapError(fail),
        ),
    verify: (item: Parameters<Task["prompt"]>[0], answer: string) =>
      Effect.gen(function* () {
        const prompt = verifyPrompt(task, item, answer)
        const [yes, no] = yield* Effect.forEach([" yes", " no"], (continuation) =>
          model.score({ prompt, continuation }),
        )
        const logYes = yes!.logprobs.reduce((s, l) => s + l, 0)
        const logNo = no!.logprobs.reduce((s, l) => s + l, 0)
        const pYes = 1 / (1 + Math.exp(logNo - logYes))
        return {
          pYes,
          usage: addUsage(callUsage(yes!.usage, setup.prices), callUsage(no!.usage, setup.prices)),
        }
      }).pipe(Effect.mapError(fail)),
  }
}

export const aggregatorActor = (setup: AggregatorSetup) =>
  Actor.make(
    AggregatorProtocol,
    Effect.sync(() => {
      const agent = makeAggregator(setup)
      return {
        Prefer: ({ item, first, second }) => agent.prefer(item, first, second),
        Fuse: ({ item, candidates }) => agent.fuse(item, candidates),
        Verify: ({ item, answer }) => agent.verify(item, answer),
      }
    }),
    { supervision: { maxRestarts: 0 } },
  )
