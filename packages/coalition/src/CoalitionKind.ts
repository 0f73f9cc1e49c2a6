import type { ActorSystem } from "@lyceum/actors"
import type { ModelRegistry } from "@lyceum/models"
import type { KindSchema, ScenarioBase } from "@lyceum/scenario"
import type { AgentRow, RowBatch } from "@lyceum/store"
import type { TaskData } from "@lyceum/tasks"
import { Effect, type Scope } from "effect"
import type { CohortId } from "./CohortId.js"
import type { KindReport } from "./KindReport.js"

/** Agent indexes by role (`{ teacher: [0, 1], student: [0] }`): the agents of a cohort one process hosts. */
export type Hosted = Readonly<Record<string, ReadonlyArray<number>>>

/**
 * One cohort as every process derives it: the run, its seed, the scenario decoded with the kind's Schema, the
 * task's prepared data and which of the kind's variants is played. A coordinator and a worker given the same
 * spec build the same agents with the same derived seeds.
 */
export interface CohortSpec<S> {
  readonly runId: string
  readonly seed: number
  readonly scenario: S
  readonly data: TaskData
  /** Index into `kind.variants(scenario)`. */
  readonly variant: number
  readonly id: CohortId
  /** The scenario file, for files a kind names relative to it (a population's edge list); absent in tests. */
  readonly scenarioFile?: string
}

/** A step's headline for the progress line; what a kind does not have it leaves out. */
export interface StepSummary {
  /** Mean score of what the step measured (students after a round, a coalition's answers). */
  readonly accuracy?: number
  /** The step's size parameter as tables key it (a round's prompt size n); 0 when a kind has none. */
  readonly n?: number
  /** Messages that left an agent holding private data, and candidates the filter dropped. */
  readonly sent?: number
  readonly dropped?: number
  /** What those messages are, for the progress line (`lessons`, `answers`); `messages` by default. */
  readonly messages?: string
}

/** What one step of a cohort stores, in the step's own transaction; the runner adds its model usage. */
export interface StepResult {
  readonly rows: Omit<RowBatch, "modelUsage" | "agents" | "cohortSteps">
  readonly summary: StepSummary
  /**
   * The cohort has nothing left to play after this step (a debate that reached agreement, a person who ended
   * the session): the runner stops it here and resume counts it finished. `steps` is then an upper bound.
   */
  readonly final?: boolean
}

/** What the runner lends a step while it plays. */
export interface StepContext {
  /**
   * Puts a line about the step under way on the run's progress output (`waiting for a person at
   * http://…`, `turn 3 of 10`): otherwise a step that waits long says nothing until it ends.
   */
  readonly note: (text: string) => Effect.Effect<void>
}

/** A step played where nothing shows progress (a test, a kind driven by hand): its notes go nowhere. */
export const unwatchedStep: StepContext = { note: () => Effect.void }

/** The coordinator's side of a cohort whose agents are spawned (here or on workers). */
export interface OpenCohort {
  /**
   * Plays step `step` (0-based, `steps` of them) to its end and returns its records. A kind drives its own
   * protocol here: any number of messages and turns, its own per-message timeouts; the runner sets none.
   * A failure that wraps a spent budget in `cause` (at any depth) stops the run rather than failing it.
   */
  readonly play: (step: number, context: StepContext) => Effect.Effect<StepResult, unknown>
}

/** What a scenario of this kind will do, estimated before anything runs (preflight, `validate`). */
export interface KindPlan {
  /** Agents of one cohort. */
  readonly agentsPerCohort: number
  /** Model calls and prompt + completion tokens of the whole run (every repeat, task and variant). */
  readonly modelCalls: number
  readonly tokens: number
}

/**
 * A coalition kind: one multi-agent protocol, declared in one package and listed in `@lyceum/kinds`. The
 * runner, workers, resume, budget, metering, progress, store and report only ever call these members; they
 * never look at a kind's strategies, aggregators or task kinds.
 *
 * `S` is the scenario as the kind's Schema (`KindSchema.fields` added to the base fields) decodes it.
 */
export interface CoalitionKind<S extends ScenarioBase = ScenarioBase> extends KindSchema {
  /** One line for docs and `lyceum validate`. */
  readonly summary: string
  /** Role names, as agents rows, addresses and `Hosted` name them. */
  readonly roles: ReadonlyArray<string>
  /** The id of a role's `index`-th agent (`teacher-1`, a proposer's name), as rows and messages name it. */
  readonly agentId: (scenario: S, role: string, index: number) => string
  /** The labels of what every task is played with (the `method` of its cohorts), in the scenario's order. */
  readonly variants: (scenario: S) => ReadonlyArray<string>
  /** Steps of each cohort (round 0 included); a cohort is finished when every step is stored. */
  readonly steps: (scenario: S) => number
  /** The run's agents for the `agents` table (with role; the runner adds run and kind). */
  readonly agents: (
    scenario: S,
    tasks: ReadonlyArray<TaskData>,
  ) => ReadonlyArray<Omit<AgentRow, "runId" | "kind">>
  readonly plan: (scenario: S, tasks: ReadonlyArray<TaskData>) => KindPlan
  /** Every agent of a cohort: what one process hosts when there are no workers. */
  readonly hosts: (cohort: CohortSpec<S>) => Hosted
  /** Spawns the `hosted` agents of a cohort on the actor system in context, for the life of the scope. */
  readonly spawn: (
    cohort: CohortSpec<S>,
    hosted: Hosted,
  ) => Effect.Effect<void, unknown, ActorSystem | ModelRegistry | Scope.Scope>
  /** The coordinator's side of a cohort: its recorders, and refs to its agents by address. */
  readonly open: (cohort: CohortSpec<S>) => Effect.Effect<OpenCohort, unknown, ActorSystem | Scope.Scope>
  /** The kind's report tables and charts (`lyceum report --table`). */
  readonly report: KindReport
}

/** A kind whose scenario type is erased: what registries and the runner hold. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds kinds of different scenario types.
export type AnyKind = CoalitionKind<any>
