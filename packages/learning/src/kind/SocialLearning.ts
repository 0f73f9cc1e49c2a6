import type { CoalitionKind } from "@lyceum/coalition"
import { socialLearningReport } from "@lyceum/report"
import { Effect } from "effect"
import { methodLabel, type SocialLearningScenario, socialLearningSchema } from "../config/index.js"
import { allAgents, canaryOf, openCohort, spawnAgents, studentId, teacherId } from "./Cohort.js"
import { agentRows, plan } from "./Plan.js"
import { evaluationRows, lessonRows, measureCanary, playRound } from "./Round.js"

/**
 * Social learning (social-learning.md): teachers holding private data teach students in natural language,
 * every lesson through the teacher's privacy filter. A cohort is a task taught with one method; its steps are
 * the rounds (round 0 measures the students before any lesson), and a canary is measured after the last.
 */
export const socialLearning: CoalitionKind<SocialLearningScenario> = {
  ...socialLearningSchema,
  summary: "teachers with private data teach students in natural language, through a privacy filter",
  roles: ["teacher", "student"],
  agentId: (_scenario, role, index) => (role === "teacher" ? teacherId(index) : studentId(index)),
  variants: (scenario) => scenario.methods.map(methodLabel),
  steps: (scenario) => scenario.rounds.length + 1,
  agents: agentRows,
  plan,
  hosts: allAgents,
  spawn: spawnAgents,
  open: (spec) =>
    Effect.gen(function* () {
      const cohort = yield* openCohort(spec)
      const canary = canaryOf(spec)
      const { rounds } = spec.scenario
      const play = (round: number) =>
        Effect.gen(function* () {
          const n = round === 0 ? 0 : rounds[round - 1]!
          const at = { runId: spec.runId, id: spec.id, round }
          const outcome = yield* playRound(cohort, spec.data, { repeat: spec.id.repeat, round, size: n })
          const lessons = lessonRows(cohort, at, new Set(outcome.flatMap((o) => o.chosen)))
          const evaluations = evaluationRows({ ...at, n }, outcome, spec.data)
          const leakage =
            canary !== undefined && round === rounds.length ? yield* measureCanary(cohort, canary, at) : []
          return {
            rows: {
              lessons: lessons.map((l) => l.row),
              findings: lessons.flatMap((l) => l.findings),
              evaluations,
              leakage,
            },
            summary: {
              n,
              accuracy: evaluations.reduce((a, e) => a + e.score, 0) / Math.max(1, evaluations.length),
              sent: lessons.filter((l) => l.row.sent).length,
              dropped: lessons.filter((l) => l.row.filterAction === "drop").length,
              messages: "lessons",
            },
          }
        })
      return { play }
    }),
  report: socialLearningReport,
}
