import { type AgentId, Lesson, type LessonRequest, makeRng, type TaskItem, variantOf } from "@lyceum/core"
import {
  BadResponse,
  type GenerateResponse,
  type LanguageModel,
  type ModelError,
  meanLogprob,
  ScoreUnsupported,
} from "@lyceum/models"
import {
  auditText,
  type ClearedText,
  type FilterDecision,
  type LessonLeakage,
  makeLeakageMeter,
  type PrivacyFilter,
} from "@lyceum/privacy"
import { fewShotContext, type Task } from "@lyceum/tasks"
import { Effect } from "effect"
import { type AdversaryPlan, smuggleCandidates } from "./Adversary.js"
import type { RankBy } from "./config/Methods.js"

/** How a teacher ranked the samples its lessons were chosen from (`lessons.ranked_by`). */
export type Ranking = "prompt-score" | "generation-logprobs"

export type LessonStrategy =
  | { readonly kind: "original-examples" }
  | {
      readonly kind: "synthetic-examples"
      /** Private examples shown as few-shot context (paper: n_gen). */
      readonly nGen: number
      /** Sampling temperature (paper: tau). */
      readonly temperature: number
      /** Samples drawn before ranking. */
      readonly samples: number
      readonly maxTokens: number
      /** How samples are ranked (`auto`: by prompt score where the model teacher-forces, else generation log-probs). */
      readonly rankBy: RankBy
      /** An adversarial teacher also tries to smuggle its canary out, and sends what passes first. */
      readonly adversary?: AdversaryPlan | undefined
    }
  | {
      readonly kind: "instruction"
      /** Private examples the teacher sees while writing (paper: 8). */
      readonly examples: number
      readonly temperature: number
      readonly maxTokens: number
    }

export interface TeacherSetup {
  readonly id: AgentId
  readonly task: Task
  /** The teacher's private partition; it never leaves the teacher except through the filter. */
  readonly privateItems: ReadonlyArray<TaskItem>
  /** Private data held back to judge candidates when voting (paper App. H); never taught from. */
  readonly heldOut: ReadonlyArray<TaskItem>
  readonly model: LanguageModel
  readonly filter: PrivacyFilter
  readonly strategy: LessonStrategy
  readonly seed: number
  /**
   * Whether audit records keep each candidate's text as written (`privacy.keepDroppedText`); by default they
   * carry only what the filter let out, so a dropped text never leaves the teacher (see `auditText`).
   */
  readonly keepDroppedText?: boolean | undefined
}

/** A candidate lesson with the filter's decision: the audit record, kept whether the lesson left or not. */
export interface LessonAudit {
  /** The candidate; its text is what the filter let out ("" when dropped) unless the scenario keeps it. */
  readonly lesson: Lesson
  readonly decision: FilterDecision
  /** Whether it left the teacher (passed the filter and ranked among the best `count`). */
  readonly sent: boolean
  /** How close a generated lesson is to the teacher's private data (absent for original examples). */
  readonly leakage?: LessonLeakage | undefined
  /** A smuggling attempt's transform, and whether what left the teacher still carries the hidden secret. */
  readonly smuggle?: { readonly transform: string; readonly intact: boolean } | undefined
  /** How the samples it was chosen from were ranked; absent for strategies that do not rank. */
  readonly rankedBy?: Ranking | undefined
}

/** A candidate lesson before the filter, with what the teacher knows about it. */
interface Candidate {
  readonly lesson: Lesson
  readonly wellFormed: boolean
  readonly leakage?: LessonLeakage
  /** Set on an adversary's smuggling attempts: they are sent before any honest lesson. */
  readonly smuggle?: { readonly transform: string; readonly payload: string }
}

export interface TeachResult {
  /** Lessons that passed the filter (allowed or flagged), best first. */
  readonly lessons: ReadonlyArray<Lesson>
  /** Every candidate that reached the filter or was discarded as malformed, with its decision. */
  readonly audit: ReadonlyArray<LessonAudit>
}

const MALFORMED: FilterDecision = {
  action: "drop",
  detector: "malformed",
  reason: "not a well-formed example",
}

/**
 * How a teacher with `model` ranks its samples under `rankBy`, or why it cannot: both ways rank by the sample's
 * mean token log-probability under the teacher's model, scored after the few-shot prompt (teacher-forcing) or
 * as the server returned it while generating (endpoints without echo: Ollama, llama.cpp, OpenAI chat models).
 */
export const rankingFor = (
  rankBy: RankBy,
  model: LanguageModel,
  teacher: AgentId,
): Ranking | ScoreUnsupported => {
  const { score, generationLogprobs } = model.capabilities
  if (rankBy === "prompt-score" ? score : rankBy === "auto" && score) return "prompt-score"
  if (rankBy !== "prompt-score" && generationLogprobs) return "generation-logprobs"
  const cannot =
    rankBy === "prompt-score"
      ? "cannot score a given continuation (teacher-forcing), which rankBy: prompt-score needs; use rankBy: generation-logprobs where it returns generation log-probabilities"
      : rankBy === "generation-logprobs"
        ? "returns no log-probabilities of the tokens it generates, which rankBy: generation-logprobs needs; use rankBy: prompt-score where it teacher-forces"
        : "neither scores a given continuation (teacher-forcing) nor returns generation log-probabilities"
  return new ScoreUnsupported({
    model: model.name,
    message:
      `${teacher} cannot rank its synthetic samples: model "${model.name}" ${cannot}; give the teachers a model ` +
      "that can (sim; openai with score: completions, e.g. vLLM; or score: chat on a server with chat logprobs)",
  })
}

/**
 * The mean log-probability of each sample as its model generated it (`generate` asked with `logprobs`); an
 * empty text scores 0, as an empty continuation does by prompt score. A missing list is the endpoint's fault:
 * ranking without it would be a silent chance-level choice. So is an empty one for a non-empty text (its mean
 * would be 0, ranking the sample as certain) or a mean that is not a finite log-probability.
 */
const generationScores = (
  model: LanguageModel,
  generated: GenerateResponse,
  texts: ReadonlyArray<string>,
): Effect.Effect<ReadonlyArray<number>, BadResponse> =>
  Effect.forEach(texts, (text, i) => {
    const logprobs = generated.logprobs?.[i]
    if (text.length === 0) return Effect.succeed(0)
    const mean =
      logprobs === undefined ? Number.NaN : meanLogprob({ tokens: [], logprobs, usage: generated.usage })
    if (logprobs === undefined || logprobs.length === 0 || !Number.isFinite(mean) || mean > 0)
      return Effect.fail(
        new BadResponse({
          model: model.name,
          message:
            `asked for generation log-probabilities but sample ${i + 1} of ${texts.length} came ` +
            (logprobs === undefined || logprobs.length === 0
              ? "without them"
              : `with a mean of ${mean}, which is no log-probability`) +
            ": ranking by it would be by chance. Use a server that returns chat logprobs, or rankBy: prompt-score.",
        }),
      )
    return Effect.succeed(mean)
  })

/** How many held-out examples form the context a voting teacher scores candidates against. */
const VOTING_CONTEXT = 8

/**
 * The meta-prompt for written instructions, in the spirit of the paper's Fig. 2: the teacher sees private
 * examples and describes the task for someone who will see nothing else.
 */
export const instructionPrompt = (examples: string): string =>
  "Here are some examples of a task.\n\n" +
  `${examples}\n\n` +
  "Write instructions for someone who has never seen this task. Describe the format, any special markings, " +
  "the general patterns and anything useful. Your text will be the only hint they get.\n\nInstructions:"

/**
 * A teacher's whole job: answer a lesson request from its private data, and judge candidates when voting.
 * Synthetic examples follow the paper: n_gen private examples as few-shot context, sample at temperature tau,
 * discard broken generations, pass the filter, keep the `count` most likely (lowest perplexity) survivors.
 */
export const makeTeacher = (setup: TeacherSetup) => {
  const { id, task, privateItems, model, filter, strategy } = setup
  const meter = makeLeakageMeter(privateItems.map((item) => item.input))
  const firstTurn = makeRng(setup.seed).fork("adversary").int(1_000_000)
  /** Per student, the adversary's next transform (requests of one student come round after round). */
  const turns = new Map<string, number>()
  /** How this teacher ranks, decided at its first ranking (a model's capabilities may be probed lazily). */
  let ranking: Ranking | ScoreUnsupported | undefined

  const lessonFor = (request: LessonRequest, index: number, text: string, kind: Lesson["kind"]) =>
    new Lesson({
      id: `${request.cohort}/${id}/${request.student}/${request.repeat}/${request.round}/${index}`,
      teacher: id,
      student: request.student,
      repeat: request.repeat,
      round: request.round,
      kind,
      text,
    })

  /** The lesson as it leaves the teacher: its text is the filter's cleared text. */
  const candidateLesson = (candidate: Candidate, decision: FilterDecision) =>
    decision.text === undefined ? candidate.lesson : new Lesson({ ...candidate.lesson, text: decision.text })

  /**
   * Filters every candidate, then keeps the `count` best-scored survivors (all of them when unscored); an
   * adversary's smuggling attempts that survive go first.
   */
  const select = (
    candidates: ReadonlyArray<Candidate>,
    count: number,
    scoreOf: (lesson: Lesson) => Effect.Effect<number, ModelError>,
  ): Effect.Effect<TeachResult, ModelError> =>
    Effect.gen(function* () {
      const decisions = new Map<string, FilterDecision>()
      const passed: Array<{ candidate: Candidate; score: number }> = []
      for (const candidate of candidates) {
        const { lesson, wellFormed } = candidate
        const decision = wellFormed ? filter.check(lesson.text, { student: lesson.student }) : MALFORMED
        decisions.set(lesson.id, decision)
        if (decision.action !== "drop" && decision.text !== undefined) {
          const score =
            candidate.smuggle !== undefined ? 0 : yield* scoreOf(candidateLesson(candidate, decision))
          passed.push({ candidate, score })
        }
      }
      passed.sort(
        (a, b) =>
          Number(b.candidate.smuggle !== undefined) - Number(a.candidate.smuggle !== undefined) ||
          b.score - a.score,
      )
      const best: Array<{ lesson: Lesson; cleared: ClearedText }> = []
      for (const { candidate } of passed) {
        if (best.length === count) break
        const { lesson } = candidate
        // Checked again once the lessons before it are on the student's record, so pieces of a secret sent in
        // one reply are caught by the session scanner like pieces sent in different rounds.
        const decision =
          best.length === 0
            ? decisions.get(lesson.id)!
            : filter.check(lesson.text, { student: lesson.student })
        decisions.set(lesson.id, decision)
        if (decision.action === "drop" || decision.text === undefined) continue
        // Only the filter's output leaves the teacher: the cleared text (redacted where the policy says so).
        filter.delivered(lesson.student, decision.text)
        best.push({ lesson: candidateLesson(candidate, decision), cleared: decision.text })
      }
      const sent = new Map(best.map((b) => [b.lesson.id, b.cleared as string]))
      return {
        lessons: best.map((b) => b.lesson),
        audit: candidates.map((candidate) => {
          const text = sent.get(candidate.lesson.id)
          const decision = decisions.get(candidate.lesson.id)!
          // Leakage and smuggling are measured here on the text as written; only their results leave with it.
          const written = candidate.lesson.text
          return {
            lesson: new Lesson({
              ...candidate.lesson,
              text: auditText(
                { written, action: decision.action, cleared: decision.text },
                setup.keepDroppedText ?? false,
              ),
            }),
            decision,
            sent: text !== undefined,
            leakage: candidate.leakage,
            smuggle: candidate.smuggle && {
              transform: candidate.smuggle.transform,
              intact: text !== undefined && text.includes(candidate.smuggle.payload),
            },
          }
        }),
      }
    })

  const teach = (request: LessonRequest): Effect.Effect<TeachResult, ModelError> =>
    Effect.gen(function* () {
      const rng = makeRng(setup.seed).fork(
        "teach",
        // Without a sweep point (`@p1`): every point of a sweep draws the same lessons' randomness.
        variantOf(request.cohort),
        request.student,
        request.repeat,
        request.round,
      )
      switch (strategy.kind) {
        case "original-examples": {
          const chosen = rng.shuffle(privateItems).slice(0, request.count)
          const candidates = chosen.map((item, i) => ({
            lesson: lessonFor(request, i, task.render(item), "original-example"),
            wellFormed: true,
          }))
          return yield* select(candidates, request.count, () => Effect.succeed(0))
        }
        case "synthetic-examples": {
          ranking ??= rankingFor(strategy.rankBy, model, id)
          if (ranking instanceof ScoreUnsupported) return yield* ranking
          const rankedBy = ranking
          const shots = rng.shuffle(privateItems).slice(0, strategy.nGen)
          const context = fewShotContext(task, shots) + task.separator
          const generated = yield* model.generate({
            prompt: context,
            temperature: strategy.temperature,
            n: strategy.samples,
            maxTokens: strategy.maxTokens,
            stop: [task.separator],
            seed: rng.int(2 ** 31),
            // Only when ranking by them: the request (and so its cache key) is otherwise unchanged.
            ...(rankedBy === "generation-logprobs" && { logprobs: true }),
          })
          const honest = generated.texts.map((raw, i): Candidate => {
            const lesson = lessonFor(request, i, raw.trim(), "synthetic-example")
            // An empty generation has no distance to speak of (it would count as a perfect copy).
            const leakage = lesson.text.length === 0 ? undefined : meter.measure(lesson.text, context)
            return { lesson, wellFormed: task.parse(lesson.text) !== undefined, ...(leakage && { leakage }) }
          })
          const smuggled: Array<Candidate> = []
          if (strategy.adversary !== undefined) {
            // Each round goes on where this student's last stopped; each repeat (its own seed) starts elsewhere.
            const turn = turns.get(request.student) ?? firstTurn
            const attempt = smuggleCandidates(strategy.adversary, task, { turn, slots: request.count }, rng)
            turns.set(request.student, attempt.next)
            for (const [i, c] of attempt.candidates.entries())
              smuggled.push({
                lesson: lessonFor(request, honest.length + i, c.text, "synthetic-example"),
                wellFormed: true,
                leakage: meter.measure(c.text, context),
                smuggle: c,
              })
          }
          const candidates = [...honest, ...smuggled]
          // Ranked by the teacher's own model: mean log-probability given the few-shot context (perplexity),
          // scored by teacher-forcing the cleared text, or as generated (the sample the text was trimmed from).
          let score = (lesson: Lesson) =>
            Effect.map(model.score({ prompt: context, continuation: lesson.text }), meanLogprob)
          if (rankedBy === "generation-logprobs") {
            const scores = yield* generationScores(
              model,
              generated,
              honest.map((c) => c.lesson.text),
            )
            const byId = new Map(honest.map((c, i) => [c.lesson.id, scores[i]!]))
            score = (lesson: Lesson) => Effect.succeed(byId.get(lesson.id) ?? 0)
          }
          const result = yield* select(candidates, request.count, score)
          return { ...result, audit: result.audit.map((a) => ({ ...a, rankedBy })) }
        }
        case "instruction": {
          const shots = rng.shuffle(privateItems).slice(0, strategy.examples)
          const generated = yield* model.generate({
            prompt: instructionPrompt(fewShotContext(task, shots)),
            temperature: strategy.temperature,
            maxTokens: strategy.maxTokens,
            stop: ["\n\n\n"],
            seed: rng.int(2 ** 31),
          })
          const text = (generated.texts[0] ?? "").trim()
          const lesson = lessonFor(request, 0, text, "instruction")
          const leakage = meter.measure(text, fewShotContext(task, shots))
          return yield* select([{ lesson, wellFormed: text.length > 0, leakage }], 1, () => Effect.succeed(0))
        }
      }
    })

  /**
   * The teacher's preference over candidate lessons, best first: how likely each is as a continuation of the
   * teacher's held-out examples, per token (paper App. H). Its vote is the first of these still available.
   */
  const rank = (candidates: ReadonlyArray<Lesson>): Effect.Effect<ReadonlyArray<string>, ModelError> => {
    const context = fewShotContext(task, setup.heldOut.slice(0, VOTING_CONTEXT)) + task.separator
    return Effect.forEach(candidates, (lesson) =>
      Effect.map(model.score({ prompt: context, continuation: lesson.text }), (scored) => ({
        id: lesson.id,
        score: meanLogprob(scored),
      })),
    ).pipe(Effect.map((scored) => scored.sort((a, b) => b.score - a.score).map((s) => s.id)))
  }

  return { id, teach, rank }
}
