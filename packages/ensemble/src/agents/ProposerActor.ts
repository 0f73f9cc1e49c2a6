import { Actor } from "@lyceum/actors"
import { agentFailed } from "@lyceum/coalition"
import { deriveSeed, TaskItem } from "@lyceum/core"
import { type LanguageModel, type ModelPrices, meanLogprob, scoreLabels } from "@lyceum/models"
import type { PrivacyFilter } from "@lyceum/privacy"
import type { Task } from "@lyceum/tasks"
import { Effect } from "effect"
import { answerKeys } from "../AnswerKey.js"
import {
  type AgentFailed,
  type ConfidenceMethod,
  type ItemUsage,
  type ProposerAnswer,
  ProposerProtocol,
  type Shared,
} from "../Protocol.js"
import { answerPrompt, candidatesContext, proposerContext } from "./Prompts.js"
import { addUsage, callUsage } from "./Usage.js"

export interface ProposerSetup {
  readonly id: string
  readonly task: Task
  readonly model: LanguageModel
  /** The prices of the proposer's model, to count each item's cost as metering does. */
  readonly prices: ModelPrices | undefined
  readonly instruction: string | undefined
  /** In-context examples: the proposer's private data, which its filter guards. */
  readonly shots: ReadonlyArray<TaskItem>
  readonly filter: PrivacyFilter
  /** Independent of the variant, so every variant of a task and repeat sees the same answers. */
  readonly seed: number
  readonly concurrency?: number
}

/**
 * A proposer: answers items greedily from its own prompt (instruction + private in-context examples), refines
 * with a previous layer's answers (mixture of agents), and measures its confidence (cascade). Every answer it
 * returns carries the form it may be shown to others in: its filter's decision and the cleared text.
 */
export const makeProposer = (setup: ProposerSetup) => {
  const { task, model } = setup
  const context = proposerContext(task, setup.instruction, setup.shots)
  const concurrency = setup.concurrency ?? 8
  const maxTokens = task.maxAnswerTokens ?? 32

  const share = (answer: string): Shared => {
    const { text, ...decision } = setup.filter.check(answer)
    return text === undefined ? { decision } : { decision, text }
  }

  const answerWith = (item: TaskItem, extra: string): Effect.Effect<ProposerAnswer, AgentFailed> =>
    model
      .generate({
        prompt: answerPrompt(task, context, item, extra),
        temperature: 0,
        maxTokens,
        stop: task.stop,
        seed: deriveSeed(setup.seed, "answer", item.id),
      })
      .pipe(
        Effect.map((response) => {
          const answer = response.texts[0] ?? ""
          return {
            itemId: item.id,
            answer,
            shared: share(answer),
            usage: callUsage(response.usage, setup.prices),
          }
        }),
        Effect.mapError(agentFailed(setup.id)),
      )

  /**
   * The margin of the answer's own label over the likeliest other label in the label distribution (the
   * top-2 margin when the answer is the likeliest label, 0 when another label is likelier or the answer
   * grades as no label); without labels, the answer's mean token probability. The labels are scored however
   * the model can (`scoreLabels`: teacher-forcing, or chat top_logprobs where the endpoint cannot).
   */
  const margin = (item: TaskItem, answer: string, labels: ReadonlyArray<string>) =>
    Effect.gen(function* () {
      const prompt = task.prompt(item, context)
      if (labels.length < 2) {
        if (answer.length === 0) return { confidence: 0, usage: addUsage() }
        const scored = yield* model.score({ prompt, continuation: answer })
        return { confidence: Math.exp(meanLogprob(scored)), usage: callUsage(scored.usage, setup.prices) }
      }
      // Priced per call, as metering prices them: each teacher-forced label is a call of its own.
      const calls: Array<ItemUsage> = []
      const perCall: LanguageModel = {
        ...model,
        score: (request) =>
          Effect.tap(model.score(request), (s) => void calls.push(callUsage(s.usage, setup.prices))),
      }
      const scored = yield* scoreLabels(perCall, { prompt, labels })
      const usage =
        calls.length > 0
          ? addUsage(...calls)
          : {
              ...callUsage(scored.usage, setup.prices),
              calls: scored.method === "teacher-forcing" ? labels.length : 1,
            }
      // The confidence is in the answer given, which greedy decoding need not make the likeliest label.
      const own = labels.findIndex((label, k) =>
        task.grade(
          answer,
          new TaskItem({ id: `${item.id}\u0000label-${k}`, input: item.input, target: label }),
        ),
      )
      if (own < 0) return { confidence: 0, usage }
      const logps = scored.logprobs
      const top = Math.max(...logps)
      const weights = logps.map((l) => Math.exp(l - top))
      const total = weights.reduce((a, b) => a + b, 0)
      const p = weights.map((w) => w / total)
      const rival = Math.max(...p.filter((_, k) => k !== own))
      return { confidence: Math.max(0, p[own]! - rival), usage }
    })

  /** Share of temperature samples that give the greedy answer (as the task grades). */
  const agreement = (item: TaskItem, answer: string, samples: number, temperature: number) =>
    Effect.map(
      model.generate({
        prompt: task.prompt(item, context),
        temperature,
        maxTokens,
        stop: task.stop,
        n: samples,
        seed: deriveSeed(setup.seed, "samples", item.id),
      }),
      (response) => {
        const [own, ...others] = answerKeys(task, item, [answer, ...response.texts])
        const agreeing = own === undefined ? 0 : others.filter((key) => key === own).length
        return { confidence: agreeing / Math.max(1, samples), usage: callUsage(response.usage, setup.prices) }
      },
    )

  const confidence = (method: ConfidenceMethod, item: TaskItem, answer: string) =>
    (method.kind === "margin"
      ? margin(item, answer, method.labels)
      : agreement(item, answer, method.samples, method.temperature)
    ).pipe(
      Effect.map((result): { itemId: string; confidence: number; usage: ItemUsage } => ({
        itemId: item.id,
        ...result,
      })),
      Effect.mapError(agentFailed(setup.id)),
    )

  return {
    answer: (items: ReadonlyArray<TaskItem>) =>
      Effect.forEach(items, (item) => answerWith(item, ""), { concurrency }),
    /** The previous layer's answers are shown as the item answered by each, after the proposer's examples. */
    refine: (items: ReadonlyArray<{ readonly item: TaskItem; readonly previous: ReadonlyArray<string> }>) =>
      Effect.forEach(
        items,
        ({ item, previous }) => answerWith(item, candidatesContext(task, item, previous)),
        {
          concurrency,
        },
      ),
    confidence: (
      method: ConfidenceMethod,
      items: ReadonlyArray<{ readonly item: TaskItem; readonly answer: string }>,
    ) => Effect.forEach(items, ({ item, answer }) => confidence(method, item, answer), { concurrency }),
  }
}

/** A proposer as an actor; it fails rather than restarts (a restart would not change a model's failure). */
export const proposerActor = (setup: ProposerSetup) =>
  Actor.make(
    ProposerProtocol,
    Effect.sync(() => {
      const proposer = makeProposer(setup)
      return {
        Answer: ({ items }) => proposer.answer(items),
        Refine: ({ items }) => proposer.refine(items),
        Confidence: ({ method, items }) => proposer.confidence(method, items),
      }
    }),
    { supervision: { maxRestarts: 0 } },
  )
