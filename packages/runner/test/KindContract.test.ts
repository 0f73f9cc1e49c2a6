import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Actor, ActorSystem } from "@lyceum/actors"
import { AgentFailed, agentAddress, agentFailed, type CoalitionKind, meteringLabel } from "@lyceum/coalition"
import { kinds } from "@lyceum/kinds"
import { ModelRegistry } from "@lyceum/models"
import { parseScenarioWith, type ScenarioBase } from "@lyceum/scenario"
import { Store } from "@lyceum/store"
import { Data, Effect, Either, Exit, Schema } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { formatProgress, Progress, type ProgressEvent } from "../src/Progress.js"
import { runScenario } from "../src/RunScenario.js"

/**
 * What the coalition contract promises a kind beyond CustomKind.test.ts's: a step that is a conversation of
 * several turns between agents, driven by the kind with its own per-ask timeout, that says on the progress
 * output where it is (`StepContext.note`); and a kind that wraps an agent's failure in its own error (with
 * `cause`, as the project's errors do) still has a spent budget stop the run rather than fail it.
 */
class Reply extends Schema.TaggedRequest<Reply>()("Reply", {
  failure: AgentFailed,
  success: Schema.String,
  payload: { to: Schema.String },
}) {}

/** The kind's own error around a turn that could not be taken: the agent's failure is its `cause`. */
class TurnFailed extends Data.TaggedError("TurnFailed")<{ readonly turn: number; readonly cause: unknown }> {}

const dialogueFields = { turns: Schema.Int.pipe(Schema.between(1, 10)), model: Schema.String }
type Dialogue = ScenarioBase & Schema.Struct.Type<typeof dialogueFields>

const speaker = (i: number) => `speaker-${i + 1}`

const dialogue: CoalitionKind<Dialogue> = {
  name: "dialogue",
  fields: dialogueFields,
  summary: "two speakers take turns answering each other",
  roles: ["speaker"],
  agentId: (_scenario, _role, i) => speaker(i),
  variants: () => ["chat"],
  steps: () => 1,
  agents: (s) =>
    [0, 1].map((i) => ({ agentId: speaker(i), role: "speaker", model: s.model, dataSize: null })),
  plan: (s) => ({ agentsPerCohort: 2, modelCalls: s.repeats * s.turns, tokens: 0 }),
  hosts: () => ({ speaker: [0, 1] }),
  spawn: (c, hosted) =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const registry = yield* ModelRegistry
      for (const i of hosted.speaker ?? []) {
        const model = yield* registry.forAgent(c.scenario.model, meteringLabel(c.id, speaker(i)))
        yield* system.spawn(
          agentAddress(c.runId, c.id, "speaker", speaker(i)),
          Actor.make(
            Reply,
            Effect.succeed({
              Reply: ({ to }) =>
                model.generate({ prompt: `${to}\n`, temperature: 0, maxTokens: 4 }).pipe(
                  Effect.map((r) => r.texts[0] ?? ""),
                  Effect.mapError(agentFailed(speaker(i))),
                ),
            }),
          ),
        )
      }
    }),
  open: (c) =>
    Effect.gen(function* () {
      const system = yield* ActorSystem
      const refs = [0, 1].map((i) => system.refFor(agentAddress(c.runId, c.id, "speaker", speaker(i)), Reply))
      return {
        play: (step, { note }) =>
          Effect.gen(function* () {
            const messages = []
            let said = "hello"
            for (let turn = 0; turn < c.scenario.turns; turn++) {
              const [from, to] = [turn % 2, (turn + 1) % 2]
              yield* note(`turn ${turn + 1} of ${c.scenario.turns}`)
              said = yield* refs[from]!.ask(new Reply({ to: said }), { timeout: "5 seconds" }).pipe(
                Effect.mapError((cause) => new TurnFailed({ turn, cause })),
              )
              messages.push({
                runId: c.runId,
                ...c.id,
                id: `${step}/${turn}`,
                round: step,
                sender: speaker(from),
                recipient: speaker(to),
                kind: "reply",
                text: said,
                filterAction: null,
                filterDetector: null,
                filterReason: null,
                sent: true,
                createdAt: new Date(0).toISOString(),
              })
            }
            return { rows: { messages }, summary: { sent: messages.length, messages: "replies" } }
          }),
      }
    }),
  report: { tables: [], html: () => Effect.succeed([]) },
}

const dir = mkdtempSync(join(tmpdir(), "lyceum-contract-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const known = [...kinds, dialogue]
const scenario = (extra: string) =>
  Either.getOrThrow(
    parseScenarioWith(known)(
      join(dir, "dialogue.yaml"),
      `
kind: dialogue
name: dialogue
seed: 3
repeats: 1
models: { sim: { provider: sim } }
tasks: [{ kind: spam, testSize: 4 }]
turns: 3
model: sim
${extra}`,
    ),
  )

const play = (db: string, extra = "") => {
  const events: Array<ProgressEvent> = []
  return Effect.runPromise(
    runScenario({
      loaded: scenario(extra),
      versions: { lyceum: "test", node: process.version },
      kinds: known,
    }).pipe(
      Effect.exit,
      Effect.map((exit) => ({ exit, events })),
      Effect.provide(Store.layer({ filename: db })),
      Effect.provideService(Progress, { report: (event) => Effect.sync(() => events.push(event)) }),
    ),
  )
}
const rows = (db: string, sql: string) =>
  Effect.runPromise(
    Effect.flatMap(Store, (store) => store.query(sql)).pipe(Effect.provide(Store.layer({ filename: db }))),
  )

describe("the coalition contract", () => {
  it("lets a step hold a conversation of turns and say on the progress output which turn it is on", async () => {
    const db = join(dir, "chat.db")
    const { exit, events } = await play(db)
    expect(Exit.isSuccess(exit)).toBe(true)
    expect(await rows(db, "SELECT id, sender, recipient FROM messages ORDER BY id")).toEqual([
      { id: "0/0", sender: "speaker-1", recipient: "speaker-2" },
      { id: "0/1", sender: "speaker-2", recipient: "speaker-1" },
      { id: "0/2", sender: "speaker-1", recipient: "speaker-2" },
    ])
    const lines = events
      .filter((e) => e._tag !== "RunStarted" && e._tag !== "RunFinished")
      .map(formatProgress)
    expect(lines.slice(0, 3)).toEqual([
      "  sms-spam.chat repeat 1: turn 1 of 3",
      "  sms-spam.chat repeat 1: turn 2 of 3",
      "  sms-spam.chat repeat 1: turn 3 of 3",
    ])
    expect(lines[3]).toMatch(/^ {2}sms-spam\.chat repeat 1 · replies 3 sent, 0 dropped/)
  })

  it("stops the run when the budget is spent, though the kind wrapped the agent's failure in its own error", async () => {
    const db = join(dir, "budget.db")
    const { exit } = await play(db, "budget: { maxTokens: 1 }")
    expect(Exit.isFailure(exit)).toBe(true)
    expect(await rows(db, "SELECT status FROM runs")).toEqual([{ status: "stopped" }])
  })
})
