import { cohortKey, filterColumns, findingColumns, type StepResult } from "@lyceum/coalition"
import type { EvaluationRow, FindingRow, LeakageRow, LessonRow } from "@lyceum/store"
import { agentId } from "../agents/Shard.js"
import type { OpenPopulation } from "./Cohort.js"
import type { RoundOutcome } from "./Round.js"

/**
 * Lessons the filter dropped or redacted that a round stores in `lessons` besides the panel's (their counts
 * are all in `population_rounds`): enough to see what the filter caught, bounded whatever the population.
 */
export const WITHHELD_LESSONS_KEPT = 1000

/** A round's rows: aggregates per hop for everyone, the panel's answers and holdings, a bounded lesson sample. */
export const roundRows = (
  open: OpenPopulation,
  round: number,
  outcome: RoundOutcome,
  now: string,
): StepResult => {
  const { spec, hops, panel } = open
  const { scenario } = spec
  const cohort = { runId: spec.runId, repeat: spec.id.repeat, task: spec.id.task, method: spec.id.method }
  const hasCanary = open.holdings.canary !== undefined
  const maxHop = hops.reduce((m, h) => Math.max(m, h), 0)
  const bucket = (hop: number) => hop + 1
  const buckets = maxHop + 2
  const zeros = () => new Float64Array(buckets)
  const agents = zeros()
  const learners = zeros()
  const sent = zeros()
  const dropped = zeros()
  const redacted = zeros()
  const memory = zeros()
  const facts = zeros()
  const knowers = zeros()
  const canaryHolders = zeros()
  const evaluated = zeros()
  const correct = zeros()
  const rankSum = zeros()
  const threshold = scenario.diffusion.threshold
  for (let a = 0; a < scenario.agents; a++) {
    const b = bucket(hops[a]!)
    agents[b]!++
    memory[b]! += outcome.memory[a]!
    facts[b]! += outcome.seedFacts[a]!
    if (outcome.seedFacts[a]! >= threshold) knowers[b]!++
    canaryHolders[b]! += outcome.canary[a]!
  }
  const pairs = outcome.pairs
  let lastLearner = -1
  for (let p = 0; p < (pairs?.length ?? 0); p++) {
    const learner = pairs!.learners[p]!
    if (learner !== lastLearner) learners[bucket(hops[learner]!)]!++
    lastLearner = learner
    const lesson = outcome.written[p]!
    const b = bucket(hops[pairs!.teachers[p]!]!)
    // lessons_sent counts every lesson written (it reached the filter); dropped and redacted are among them.
    if (lesson.action !== "none") sent[b]!++
    if (lesson.action === "drop") dropped[b]!++
    if (lesson.action === "redact") redacted[b]!++
  }

  const panelIndex = new Map(panel.map((agent, i) => [agent, i]))
  const agentRows: Array<Record<string, string | number | null>> = []
  const evaluations: Array<EvaluationRow> = []
  const leakage: Array<LeakageRow> = []
  const items = new Map(open.items.map((item) => [item.id, item]))
  const { task } = spec.data
  for (const { agent, promptLessons, context, results } of outcome.answers) {
    const hop = hops[agent]!
    const b = bucket(hop)
    const score = results.filter((r) => r.correct).length / Math.max(1, results.length)
    const rank = outcome.canaryRanks.length > 0 ? outcome.canaryRanks[panelIndex.get(agent)!]! : null
    evaluated[b]!++
    correct[b]! += score
    if (rank !== null) rankSum[b]! += rank
    agentRows.push({
      ...cohortColumns(cohort),
      round,
      agent: agentId(agent),
      hop,
      memory: outcome.memory[agent]!,
      seed_facts: outcome.seedFacts[agent]!,
      knower: outcome.seedFacts[agent]! >= threshold ? 1 : 0,
      canary_held: hasCanary ? outcome.canary[agent]! : null,
      accuracy: score,
      canary_rank: rank,
    })
    for (const r of results)
      evaluations.push({
        ...cohort,
        round,
        student: agentId(agent),
        n: 0,
        promptLessons,
        metric: "accuracy",
        itemId: r.itemId,
        answer: r.answer,
        target: r.target,
        score: r.correct ? 1 : 0,
        // As the shard asked it (Shard.evaluate), with the agent's own examples withheld unless kept.
        prompt: task.prompt(items.get(r.itemId)!, context),
        promptContext: context,
      })
    if (rank !== null)
      leakage.push({
        ...cohort,
        round,
        teacher: null,
        student: agentId(agent),
        metric: "canary_rank",
        value: rank,
      })
  }

  const roundsRows = Array.from({ length: buckets }, (_, b) => b)
    .filter((b) => agents[b]! > 0)
    .map((b) => ({
      ...cohortColumns(cohort),
      round,
      hop: b - 1,
      agents: agents[b]!,
      learners: learners[b]!,
      lessons_sent: sent[b]!,
      lessons_dropped: dropped[b]!,
      lessons_redacted: redacted[b]!,
      memory_mean: memory[b]! / agents[b]!,
      seed_facts_mean: facts[b]! / agents[b]!,
      knowers: knowers[b]!,
      canary_holders: hasCanary ? canaryHolders[b]! : null,
      evaluated: evaluated[b]!,
      accuracy: evaluated[b]! > 0 ? correct[b]! / evaluated[b]! : null,
      canary_rank: outcome.canaryRanks.length > 0 && evaluated[b]! > 0 ? rankSum[b]! / evaluated[b]! : null,
    }))

  const lessons = lessonRows(open, round, outcome, now)
  const panelAccuracy =
    agentRows.reduce((s, r) => s + (r.accuracy as number), 0) / Math.max(1, agentRows.length)
  return {
    rows: {
      evaluations,
      leakage,
      lessons: lessons.map((l) => l.row),
      findings: lessons.flatMap((l) => l.findings),
      kindRows: [
        { table: "population_rounds", rows: roundsRows },
        { table: "population_agents", rows: agentRows },
      ],
    },
    summary: {
      accuracy: panelAccuracy,
      sent: sent.reduce((s, x) => s + x, 0) - dropped.reduce((s, x) => s + x, 0),
      dropped: dropped.reduce((s, x) => s + x, 0),
      messages: "lessons",
    },
  }
}

const cohortColumns = (c: { runId: string; repeat: number; task: string; method: string }) => ({
  run_id: c.runId,
  repeat: c.repeat,
  task: c.task,
  method: c.method,
})

/** Lessons to panel agents, and the first `WITHHELD_LESSONS_KEPT` the filter dropped or redacted. */
const lessonRows = (open: OpenPopulation, round: number, outcome: RoundOutcome, now: string) => {
  const { spec } = open
  const pairs = outcome.pairs
  if (pairs === undefined) return []
  const label = cohortKey(spec.id)
  const kind =
    spec.scenario.methods[spec.variant]!.strategy === "original-examples"
      ? "original-example"
      : "synthetic-example"
  const out: Array<{ row: LessonRow; findings: Array<FindingRow> }> = []
  let withheld = 0
  for (let p = 0; p < pairs.length; p++) {
    const lesson = outcome.written[p]!
    if (lesson.action === "none") continue
    // Beyond the panel's lessons: those the filter withheld something of (a flag lets the lesson through whole).
    const withheldOne = lesson.action === "drop" || lesson.action === "redact"
    const panelLesson = open.panelSet.has(pairs.learners[p]!)
    if (!panelLesson && !(withheldOne && withheld < WITHHELD_LESSONS_KEPT)) continue
    if (!panelLesson) withheld++
    const teacher = agentId(pairs.teachers[p]!)
    const student = agentId(pairs.learners[p]!)
    const id = `${label}/${teacher}/${student}/${round}/${p}`
    const decision = lesson.decision ?? { action: "allow" as const }
    out.push({
      row: {
        runId: spec.runId,
        id,
        repeat: spec.id.repeat,
        round,
        teacher,
        student,
        task: spec.id.task,
        method: spec.id.method,
        kind,
        // What left the teacher; a withheld text only when the scenario keeps it (privacy.keepDroppedText).
        text: lesson.written ?? lesson.text,
        ...filterColumns(decision),
        sent: lesson.action !== "drop",
        chosen: lesson.action !== "drop",
        distance: null,
        verbatimCopy: null,
        smuggle: null,
        smuggleIntact: null,
        rankedBy:
          spec.scenario.methods[spec.variant]!.strategy === "original-examples" ? null : "prompt-score",
        createdAt: now,
      },
      findings: findingColumns(decision).map((f) => ({ runId: spec.runId, lessonId: id, ...f })),
    })
  }
  return out
}
