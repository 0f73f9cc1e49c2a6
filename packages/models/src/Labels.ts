import { Effect } from "effect"
import type { LabelScoreRequest, LabelScoreResponse, LanguageModel } from "./LanguageModel.js"
import type { ModelError } from "./ModelError.js"

/**
 * Each label's log-probability as the answer to `request.prompt`: the model's own `scoreLabels` where it has
 * one (an endpoint that cannot teacher-force scores by chat `top_logprobs`), else every label teacher-forced
 * with `score`, its log-probability the sum over its tokens (method "teacher-forcing"). Labels are scored in
 * order; the usage is the sum of their calls'.
 */
export const scoreLabels = (
  model: LanguageModel,
  request: LabelScoreRequest,
): Effect.Effect<LabelScoreResponse, ModelError> =>
  model.scoreLabels !== undefined ? model.scoreLabels(request) : teacherForceLabels(model, request)

/** `scoreLabels` by teacher-forcing each label with `model.score`, whatever else the model offers. */
export const teacherForceLabels = (
  model: Pick<LanguageModel, "score">,
  request: LabelScoreRequest,
): Effect.Effect<LabelScoreResponse, ModelError> =>
  Effect.map(
    Effect.forEach(request.labels, (label) => model.score({ prompt: request.prompt, continuation: label })),
    (scored): LabelScoreResponse => ({
      logprobs: scored.map((response) => response.logprobs.reduce((sum, value) => sum + value, 0)),
      usage: {
        promptTokens: scored.reduce((sum, response) => sum + response.usage.promptTokens, 0),
        completionTokens: scored.reduce((sum, response) => sum + response.usage.completionTokens, 0),
      },
      method: "teacher-forcing",
    }),
  )
