import {
  cannotScore,
  distinctNames,
  type Finding,
  rawField as field,
  Limits,
  rawList as list,
  type ScoringNeed,
  unknownModelRefs,
  type VariantCount,
} from "@lyceum/scenario"

/** The methods a raw document lists, within their own limit (beyond it, that limit is reported). */
export const methodCount = (raw: unknown): VariantCount | undefined => {
  const count = list(field(raw, "methods")).length
  return count <= Limits.methods ? { label: "methods", count } : undefined
}

/**
 * Checks the schema cannot express: references between sections and combinations that make no sense. They
 * read the raw document (defaults as the schema fills them), so they are reported together with schema
 * problems rather than only once those are fixed. The cohort limit is the loader's (`variantCount`).
 */
export const socialLearningChecks = (raw: unknown): Array<Finding> => {
  const problems: Array<Finding> = []
  const problem = (key: ReadonlyArray<PropertyKey>, message: string) => problems.push({ key, message })

  problems.push(
    ...unknownModelRefs(raw, [
      ["teachers", "model"],
      ["students", "model"],
    ]),
  )

  const rounds = list(field(raw, "rounds"))
  rounds.forEach((size, i) => {
    const previous = rounds[i - 1]
    if (typeof size === "number" && typeof previous === "number" && size <= previous) {
      problem(
        ["rounds", i],
        `prompt sizes must grow from one round to the next (${previous} then ${size}): a round that does not ` +
          "grow the prompt teaches nothing new, and the tables keyed by n would merge the two rounds",
      )
    }
  })

  const taskKinds = list(field(raw, "tasks")).map((task) => field(task, "kind"))
  const canary = field(raw, "canary")
  if (canary !== undefined) {
    const template = field(canary, "template")
    const kind = field(canary, "kind")
    if ((template === undefined) === (kind === undefined)) {
      problem(
        ["canary"],
        "give the canary either kind (code or name: each task's own template) or one template",
      )
    }
    // Which task kind each template imitates; tasks without canary templates cannot hold a canary.
    const shaped: Record<string, string> = { spam: "spam", lambada: "cloze", gsm8k: "arithmetic" }
    const wanted = typeof template === "string" ? shaped[template.split("-")[0]!] : undefined
    taskKinds.forEach((taskKind, i) => {
      if (typeof taskKind !== "string") return
      if (wanted !== undefined && taskKind !== wanted)
        problem(
          ["tasks", i, "kind"],
          `canary template ${template} fits ${wanted} tasks, not ${taskKind}; use canary.kind instead`,
        )
      else if (wanted === undefined && !Object.values(shaped).includes(taskKind))
        problem(
          ["tasks", i, "kind"],
          `no canary template fits ${taskKind} tasks (there are templates for spam, cloze and arithmetic)`,
        )
    })
  }
  const scenarioVerbatim = field(field(raw, "privacy"), "verbatim") ?? "drop"
  const holdout = field(field(raw, "teachers"), "holdout") ?? 0
  const named = distinctNames("methods")
  list(field(raw, "methods")).forEach((method, i) => {
    const strategy = field(method, "strategy")
    problems.push(...named(i, field(method, "name") ?? strategy))
    const verbatim = field(field(method, "privacy"), "verbatim") ?? scenarioVerbatim
    if (strategy === "original-examples" && verbatim === "drop") {
      problem(
        ["methods", i],
        "original examples are verbatim private data by definition, so the verbatim filter would drop every lesson; " +
          "add privacy: { verbatim: flag } to this method (the non-private baseline)",
      )
    }
    const topK = field(method, "topK") ?? 2
    const samples = field(method, "samples") ?? 8
    if (typeof topK === "number" && typeof samples === "number" && topK > samples) {
      problem(["methods", i, "topK"], `topK (${topK}) cannot exceed samples (${samples})`)
    }
    if (field(method, "aggregator") === "voting" && !(typeof holdout === "number" && holdout > 0)) {
      problem(
        ["methods", i, "aggregator"],
        "the voting aggregator needs held-out data: set teachers.holdout (e.g. 0.2)",
      )
    }
    if (strategy === "adversarial-examples") {
      const teachers = field(field(raw, "teachers"), "count")
      const adversaries = field(method, "adversaries") ?? 1
      const split = field(method, "split") ?? 0
      if (field(raw, "canary") === undefined) {
        problem(
          ["methods", i, "strategy"],
          "an adversarial teacher smuggles the canary: add a canary section",
        )
      }
      if (list(field(method, "smuggle")).length === 0 && split === 0) {
        problem(
          ["methods", i, "smuggle"],
          "an adversarial teacher needs something to try: list transforms under smuggle, or set split",
        )
      }
      if (typeof adversaries === "number" && typeof teachers === "number" && adversaries > teachers) {
        problem(["methods", i, "adversaries"], `${adversaries} adversaries but only ${teachers} teachers`)
      }
      if (typeof split === "number" && typeof topK === "number" && split > topK) {
        problem(
          ["methods", i, "split"],
          `a split attempt sends its ${split} pieces in one reply, which holds topK (${topK}) lessons; raise topK or lower split`,
        )
      }
    }
    if (strategy === "manual-instruction") {
      const text = field(method, "text")
      for (const kind of taskKinds) {
        if (typeof kind === "string" && typeof text === "object" && text !== null && !(kind in text)) {
          problem(["methods", i, "text"], `no instruction for task "${kind}"; add text.${kind}`)
        }
      }
    }
  })
  problems.push(...scoreChecks(raw))
  return problems
}

/**
 * Strategies and measurements that score continuations with a model, checked against the models that would
 * be asked, so a run does not fail after its first round's tokens are spent. Teachers rank their synthetic
 * samples (synthetic- and adversarial-examples): by teacher-forcing with `rankBy: prompt-score`, else by any
 * perplexity of their samples (`auto`: teacher-forcing where the model can, else the generation log-probs);
 * they teacher-force when they vote (aggregator: voting); students teacher-force when the Secret Sharer
 * measures a canary.
 */
const scoreChecks = (raw: unknown): Array<Finding> => {
  const problems: Array<Finding> = []
  const teachersModel = field(field(raw, "teachers"), "model")
  const teachers = (need: ScoringNeed) => cannotScore(raw, teachersModel, "their", need)
  list(field(raw, "methods")).forEach((method, i) => {
    const strategy = field(method, "strategy")
    if (strategy === "synthetic-examples" || strategy === "adversarial-examples") {
      const rankBy = field(method, "rankBy") ?? "auto"
      const forced = rankBy === "prompt-score"
      const cannot = teachers(forced ? "teacher-forcing" : "ranking")
      if (cannot !== undefined)
        problems.push(
          forced
            ? {
                key: ["methods", i, "rankBy"],
                message:
                  `rankBy: prompt-score scores each teacher's samples by teacher-forcing, but ${cannot}; ` +
                  "use rankBy: generation-logprobs (or auto), or give teachers a model that teacher-forces " +
                  "(sim, or openai with score: completions, e.g. vLLM)",
              }
            : {
                key: ["methods", i, "strategy"],
                message:
                  `${strategy} ranks each teacher's samples by perplexity, but the teachers cannot rank: ${cannot}; ` +
                  "give teachers a model that scores (sim, openai with score: completions, or score: chat for " +
                  "generation log-probabilities) or use instruction, original-examples or zero-shot",
              },
        )
    }
    const voting = teachers("teacher-forcing")
    if (field(method, "aggregator") === "voting" && voting !== undefined)
      problems.push({
        key: ["methods", i, "aggregator"],
        message:
          `the voting aggregator has every teacher score the candidates, but the teachers cannot score: ${voting}; ` +
          "use aggregator: random or a model that teacher-forces (sim, or openai with score: completions)",
      })
  })
  const students = cannotScore(raw, field(field(raw, "students"), "model"), "their", "teacher-forcing")
  if (students !== undefined && field(raw, "canary") !== undefined)
    problems.push({
      key: ["canary"],
      message:
        "the canary is measured by every student scoring it against its alternatives, but the students cannot " +
        `score: ${students}; ranking a canary needs teacher-forcing, which Ollama, llama.cpp's server and OpenAI's chat ` +
        "models do not offer (and no chat log-probability can stand in for it): give students a model served by " +
        "vLLM (preset: vllm, score: completions) or the sim model as scorer, or remove the canary",
    })
  return problems
}
