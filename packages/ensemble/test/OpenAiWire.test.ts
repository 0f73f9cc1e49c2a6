import { rmSync } from "node:fs"
import { join } from "node:path"
import { prepareTaskData } from "@lyceum/tasks"
import { Effect, Either } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { parseScenario } from "../../kinds/src/index.js"
import { type FakeOpenAi, makeFakeOpenAi } from "../../models/test/support/FakeOpenAi.js"
import type { EnsembleScenario } from "../src/config/index.js"
import { coalitionPool } from "../src/Pool.js"
import {
  answering,
  billed,
  by,
  echoAnswers,
  modelEntry,
  promptOf,
  type Row,
  runWire,
  sampled,
  sum,
  tempDir,
  type WireRun,
} from "./wire.js"

/**
 * `kind: ensemble` with every aggregator, played by the runner against the project's OpenAI-wire test server
 * (models/test/support/FakeOpenAi.ts: real HTTP, the real SDK). Its answers are predictable: a proposer's server
 * always answers one label (" spam", " not spam", " junk"), the referee's server answers `answer 1 to <prompt>`,
 * and every server scores a token by its length, log p = -(characters + 1) / 10. So:
 * - margin of [" not spam", " spam"]: log p -0.9 against -0.5, so " spam" leads by tanh(0.2) ≈ 0.1974 and a
 *   stage answering " not spam" (or no label) has confidence 0;
 * - the verifier's P(yes): log p(" yes") -0.4 against log p(" no") -0.3, P = 1 / (1 + e^0.1) ≈ 0.4750;
 * - the judge: " not spam" (mean -0.45) beats " spam" and " junk" (-0.5 each) in both orders; " spam" and
 *   " junk" tie exactly, so the first shown wins each order: a position flip.
 */

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SEED = 11
const ITEMS = 6
const HOLDOUT = 9
const MARGIN = Math.tanh(0.2)
const P_YES = 1 / (1 + Math.exp(0.1))

const prices = { cheap: [1, 2], mid: [3, 6], big: [10, 20], referee: [0.5, 1] } as const

describe("ensemble over the OpenAI wire, through the runner into SQLite", () => {
  it("runs every aggregator: rows, requests, usage and costs", async () => {
    const result = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const servers = {
            cheap: yield* answering(" spam"),
            mid: yield* answering(" not spam"),
            big: yield* answering(" junk"),
            referee: yield* makeFakeOpenAi(),
          }
          // Declared out of price order: the cascade orders by price (cheap, mid, big).
          const yaml = `
name: wire
kind: ensemble
seed: ${SEED}
models:
  cheap: ${modelEntry(servers.cheap, "cheap-1b", prices.cheap)}
  mid: ${modelEntry(servers.mid, "mid-8b", prices.mid)}
  big: ${modelEntry(servers.big, "big-70b", prices.big)}
  referee: ${modelEntry(servers.referee, "referee-8b", prices.referee)}
tasks:
  - { kind: spam, testSize: ${ITEMS} }
proposers:
  - { name: big, model: big, shots: 3 }
  - { name: cheap, model: cheap, shots: 1 }
  - { name: mid, model: mid, shots: 2 }
holdout: ${HOLDOUT}
aggregators:
  - { kind: vote }
  - { kind: weighted-vote }
  - { kind: judge, model: referee }
  - { kind: fuse, model: referee }
  - { kind: moa, layers: 2, model: referee }
  - { kind: cascade, confidence: margin, thresholds: [0, 0.19, 0.2, 1] }
  - { kind: cascade, name: verified, confidence: judge, model: referee, thresholds: [0.4, 0.5] }
  - { kind: route, neighbours: 3 }
`
          const run = yield* runWire(dir, "wire", yaml)
          return { run, servers, yaml }
        }),
      ),
    )
    const { run, servers } = result
    expect(run.failure).toBeUndefined()
    expect(run.status).toBe("completed")
    const q = (sql: string) => run.query(sql, [run.runId])

    const methods = [
      "vote",
      "weighted-vote",
      "judge",
      "fuse",
      "moa",
      "cascade@0",
      "cascade@0.19",
      "cascade@0.2",
      "cascade@1",
      "verified@0.4",
      "verified@0.5",
      "route",
    ]
    // Every variant's cohort: each proposer's and the coalition's answer to every item, one item row each.
    const evaluations = await q(
      "SELECT method, student, count(*) AS n FROM evaluations WHERE run_id = ? GROUP BY method, student",
    )
    expect(evaluations).toHaveLength(methods.length * 4)
    expect(evaluations.every((r) => r.n === ITEMS)).toBe(true)
    expect(new Set(evaluations.map((r) => r.method))).toEqual(new Set(methods))
    expect(new Set(evaluations.map((r) => r.student))).toEqual(new Set(["big", "cheap", "mid", "coalition"]))
    const steps = await q("SELECT method FROM cohort_steps WHERE run_id = ?")
    expect(steps.map((r) => r.method).sort()).toEqual([...methods].sort())

    // The proposers' answers are what their endpoints said, graded against each item's target.
    const proposerRows = await q(
      "SELECT student, answer, target, score FROM evaluations WHERE run_id = ? AND student <> 'coalition'",
    )
    const said = { cheap: " spam", mid: " not spam", big: " junk" } as Record<string, string>
    for (const r of proposerRows) {
      expect(r.answer).toBe(said[r.student as string])
      expect(r.score).toBe(r.answer === r.target ? 1 : 0)
    }

    const items = by(
      await q("SELECT * FROM ensemble_items WHERE run_id = ? ORDER BY method, item_id"),
      "method",
    )
    expect([...items.keys()].sort()).toEqual([...methods].sort())
    for (const rows of items.values()) {
      expect(rows).toHaveLength(ITEMS)
      // Cheap says spam, mid not spam: some proposer is right on every item.
      expect(rows.every((r) => r.oracle === 1)).toBe(true)
    }
    const each = (method: string, check: (row: Row) => void) => {
      for (const row of items.get(method)!) check(row)
    }

    // vote: three classes of one each, a seeded pick among them.
    each("vote", (r) => {
      expect([" spam", " not spam", " junk"]).toContain(r.answer)
      expect(r.confidence).toBeCloseTo(1 / 3, 12)
      expect(r.calls).toBe(3)
    })

    // weighted-vote: constant answers, so the proposer with the better held-out accuracy wins every item.
    const scenario = Either.getOrThrow(parseScenario(join(dir, "wire.yaml"), result.yaml))
      .scenario as EnsembleScenario
    const data = Effect.runSync(prepareTaskData(scenario.tasks[0]!, join(dir, "wire.yaml"), SEED))
    const held = coalitionPool(data, scenario.proposers, HOLDOUT, SEED, 0).holdout
    const spam = held.filter((item) => item.target === " spam").length
    each("weighted-vote", (r) => {
      expect(r.answer).toBe(spam * 2 > HOLDOUT ? " spam" : " not spam")
      expect(r.calls).toBe(3)
    })

    // judge: three pairs per item, " not spam" wins both orders of its two, spam/junk flips with the order.
    each("judge", (r) => {
      expect([r.answer, r.chosen, r.pairs, r.flips, r.confidence]).toEqual([" not spam", "mid", 3, 1, 1])
      // Three answers, then 3 pairs × 2 orders × 2 candidates scored.
      expect(r.calls).toBe(3 + 12)
    })

    // fuse and moa's final aggregator: the coalition's answer is the referee endpoint's text for its prompt.
    const refereeChats = servers.referee.requests().filter((r) => r.endpoint === "chat")
    expect(refereeChats).toHaveLength(2 * ITEMS)
    const fused = new Set(refereeChats.map((r) => echoAnswers(r.body)[0]))
    for (const method of ["fuse", "moa"])
      each(method, (r) => {
        expect(fused).toContain(r.answer)
        expect(r.correct).toBe(0)
      })
    for (const request of refereeChats)
      for (const label of ["spam", "not spam", "junk"])
        expect(promptOf(request.body)).toContain(`Class: ${label}\n`)
    each("fuse", (r) => expect([r.calls, r.stages]).toEqual([4, 1]))
    // moa: 3 answers + 3 refinements + the aggregator's.
    each("moa", (r) => expect([r.calls, r.stages]).toEqual([7, 2]))

    // cascade by margin: τ ≤ margin stops at the cheapest stage, τ above it reaches the most expensive.
    for (const method of ["cascade@0", "cascade@0.19"])
      each(method, (r) => {
        expect([r.chosen, r.answer, r.stages, r.calls]).toEqual(["cheap", " spam", 1, 3])
        expect(r.confidence).toBeCloseTo(MARGIN, 9)
      })
    for (const method of ["cascade@0.2", "cascade@1"])
      each(method, (r) =>
        expect([r.chosen, r.answer, r.stages, r.calls, r.confidence]).toEqual(["big", " junk", 3, 9, 0]),
      )
    const stages = await q(
      "SELECT method, item_id, stage, agent, accepted, confidence FROM ensemble_stages WHERE run_id = ? ORDER BY method, item_id, stage",
    )
    const stagesOf = (method: string) => stages.filter((s) => s.method === method)
    expect(stagesOf("cascade@0")).toHaveLength(ITEMS)
    const firstItem = stagesOf("cascade@1").filter((s) => s.item_id === stagesOf("cascade@1")[0]!.item_id)
    // Confidence is in the stage's own answer: mid's label is the less likely one, big's is no label.
    const rounded = (x: unknown) => Math.round((x as number) * 1e9) / 1e9
    expect(firstItem.map((s) => [s.stage, s.agent, s.accepted, rounded(s.confidence)])).toEqual([
      [1, "cheap", 0, rounded(MARGIN)],
      [2, "mid", 0, 0],
      [3, "big", 1, 0],
    ])
    expect(new Set(stagesOf("moa").map((s) => s.agent))).toEqual(new Set(["layer-1", "layer-2"]))

    // cascade by a verifier's P(yes).
    each("verified@0.4", (r) => {
      expect([r.chosen, r.stages, r.calls]).toEqual(["cheap", 1, 3])
      expect(r.confidence).toBeCloseTo(P_YES, 9)
    })
    each("verified@0.5", (r) => expect([r.chosen, r.stages, r.calls]).toEqual(["big", 3, 9]))

    // route: one proposer's answer per item, never big's (right on no held-out item), one call.
    each("route", (r) => {
      expect(["cheap", "mid"]).toContain(r.chosen)
      expect(r.answer).toBe(said[r.chosen as string])
      expect(r.calls).toBe(1)
    })

    // Messages: every answer shown to another agent, with its proposer's filter decision.
    const messages = await q(
      "SELECT method, recipient, count(*) AS n, sum(sent) AS sent FROM messages WHERE run_id = ? GROUP BY method, recipient",
    )
    const shown = Object.fromEntries(messages.map((m) => [`${m.method}>${m.recipient}`, [m.n, m.sent]]))
    expect(shown).toEqual({
      "judge>judge-3": [18, 18],
      "fuse>fuser-4": [18, 18],
      "moa>big": [12, 12],
      "moa>cheap": [12, 12],
      "moa>mid": [12, 12],
      "moa>aggregator-5": [18, 18],
      "verified@0.4>verifier-7": [6, 6],
      "verified@0.5>verifier-7": [18, 18],
    })

    // What each endpoint was asked.
    const judgePrompts = servers.referee
      .requests()
      .filter(
        (r) => r.endpoint === "completions" && !String(r.body.prompt).includes("Is this answer correct"),
      )
    expect(judgePrompts).toHaveLength(ITEMS * 12)
    // Both orders of every pair of distinct answers, for every item.
    const ordered = new Set(
      judgePrompts.map((r) => {
        const prompt = String(r.body.prompt)
        const shownLabels = [...prompt.matchAll(/Class: (not spam|spam|junk)\n/g)].map((m) => m[1])
        return `${prompt.split("\n")[0]}|${shownLabels[0]}>${shownLabels[1]}`
      }),
    )
    expect(ordered.size).toBe(ITEMS * 6)
    const verifications = servers.referee
      .requests()
      .filter((r) => String(r.body.prompt).includes("Is this answer correct (yes or no)? yes"))
    expect(verifications).toHaveLength(ITEMS + 3 * ITEMS)
    // Margin scores both labels at each stage reached: cheap in 4 variants, mid and big in 2.
    expect(servers.cheap.count("completions")).toBe(4 * ITEMS * 2)
    expect(servers.mid.count("completions")).toBe(2 * ITEMS * 2)
    expect(servers.big.count("completions")).toBe(2 * ITEMS * 2)
    // Every cohort's answers, the held-out items of weighted-vote and route, moa's second layer.
    for (const server of [servers.cheap, servers.mid, servers.big]) {
      expect(server.count("chat")).toBe(methods.length * ITEMS + 2 * HOLDOUT + ITEMS)
      for (const { body } of server.requests().filter((r) => r.endpoint === "chat"))
        expect(body).toMatchObject({ temperature: 0, stop: ["\n"] })
    }
    expect(servers.cheap.requests()[0]!.body.model).toBe("cheap-1b")

    // model_usage: a row per agent of each cohort, priced from the declared prices ...
    const usage = await q(
      "SELECT method, agent_id, model, calls, prompt_tokens, completion_tokens, cost_usd FROM model_usage WHERE run_id = ?",
    )
    const agentsOf = by(usage, "method")
    const aggregatorOf: Record<string, string> = {
      judge: "judge-3",
      fuse: "fuser-4",
      moa: "aggregator-5",
      "verified@0.4": "verifier-7",
      "verified@0.5": "verifier-7",
    }
    for (const method of methods)
      expect(
        agentsOf
          .get(method)!
          .map((r) => r.agent_id)
          .sort(),
      ).toEqual(["big", "cheap", "mid", ...(aggregatorOf[method] ? [aggregatorOf[method]] : [])].sort())
    for (const r of usage) {
      const [p, c] = prices[r.model as keyof typeof prices]
      expect(r.cost_usd).toBeCloseTo(
        ((r.prompt_tokens as number) * p + (r.completion_tokens as number) * c) / 1e6,
        15,
      )
    }
    // ... whose totals per model are what its endpoint billed.
    const reply = {
      cheap: () => [" spam"],
      mid: () => [" not spam"],
      big: () => [" junk"],
      referee: echoAnswers,
    }
    for (const [model, rows] of by(usage, "model")) {
      const server = servers[model as keyof typeof servers]
      const bill = billed(server, reply[model as keyof typeof reply])
      expect([sum(rows, "calls"), sum(rows, "prompt_tokens"), sum(rows, "completion_tokens")]).toEqual([
        bill.calls,
        bill.prompt,
        bill.completion,
      ])
    }

    // The items' costs are the calls their method made: all the cohort's calls where nothing was skipped ...
    for (const method of ["vote", "judge", "fuse", "moa", "cascade@1", "verified@0.5"]) {
      expect(sum(items.get(method)!, "calls")).toBe(sum(agentsOf.get(method)!, "calls"))
      expect(sum(items.get(method)!, "cost_usd")).toBeCloseTo(sum(agentsOf.get(method)!, "cost_usd"), 12)
    }
    // ... the cheapest stage's only where the cascade stopped there ...
    const cheapIn = (method: string) => agentsOf.get(method)!.filter((r) => r.agent_id === "cheap")
    expect(sum(items.get("cascade@0")!, "cost_usd")).toBeCloseTo(sum(cheapIn("cascade@0"), "cost_usd"), 12)
    // ... and not the held-out answers weighted-vote learnt from (one-off, in model_usage only).
    expect(sum(agentsOf.get("weighted-vote")!, "calls")).toBe(3 * (ITEMS + HOLDOUT))
    expect(sum(items.get("weighted-vote")!, "calls")).toBe(3 * ITEMS)
  }, 120_000)
})

/**
 * A scenario of three proposers, cheap, mid and big (their models priced 1+2, 3+6, 10+20 per million tokens),
 * and the given aggregators; `cheapRef` is the cheap proposer's model reference.
 */
const threeProposers = (models: Record<string, string>, aggregators: string, cheapRef = "cheap") => `
name: quirks
kind: ensemble
seed: ${SEED}
models:
${Object.entries(models)
  .map(([name, entry]) => `  ${name}: ${entry}`)
  .join("\n")}
tasks:
  - { kind: spam, testSize: ${ITEMS} }
proposers:
  - { name: cheap, model: ${cheapRef}, shots: 1 }
  - { name: mid, model: mid, shots: 2 }
  - { name: big, model: big, shots: 3 }
holdout: ${HOLDOUT}
aggregators:
${aggregators}
`

describe("cascade by sample agreement over the wire", () => {
  it("on servers that honour n (vLLM): the share of samples in the greedy answer's class", async () => {
    const { run, servers } = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          // Chat answers are `answer <i> to <prompt>`: the greedy answer is sample 1's, so 1 of 4 samples agree.
          const servers = {
            cheap: yield* makeFakeOpenAi(),
            mid: yield* makeFakeOpenAi(),
            big: yield* makeFakeOpenAi(),
          }
          const yaml = threeProposers(
            {
              cheap: modelEntry(servers.cheap, "c", prices.cheap),
              mid: modelEntry(servers.mid, "m", prices.mid),
              big: modelEntry(servers.big, "b", prices.big),
            },
            "  - { kind: cascade, confidence: agreement, samples: 4, thresholds: [0.25, 0.3] }",
          )
          return { run: yield* runWire(dir, "agreement", yaml), servers }
        }),
      ),
    )
    expect(run.failure).toBeUndefined()
    const items = by(await run.query("SELECT * FROM ensemble_items WHERE run_id = ?", [run.runId]), "method")
    for (const r of items.get("cascade@0.25")!)
      expect([r.chosen, r.stages, r.confidence, r.calls]).toEqual(["cheap", 1, 0.25, 2])
    for (const r of items.get("cascade@0.3")!)
      expect([r.chosen, r.stages, r.confidence, r.calls]).toEqual(["big", 3, 0.25, 6])
    // One request of 4 samples per stage reached and item, at the sampling temperature, seeded.
    expect([servers.cheap, servers.mid, servers.big].map((s) => sampled(s).length)).toEqual([
      2 * ITEMS,
      ITEMS,
      ITEMS,
    ])
    for (const { body } of sampled(servers.cheap)) {
      expect(body).toMatchObject({ n: 4, temperature: 0.8 })
      expect(typeof (body as { seed?: unknown }).seed).toBe("number")
    }
  }, 60_000)

  it("on a server that ignores n (Ollama, llama.cpp): the samples asked one by one, the same confidence", async () => {
    const outcome = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          // Both cheap endpoints answer " spam" to everything; Ollama's gives one choice whatever n asks.
          const ollama = yield* answering(" spam", { completions: false })
          const vllm = yield* makeFakeOpenAi({
            completions: false,
            defaultReply: { kind: "ok", each: " spam" },
          })
          const others = { mid: yield* makeFakeOpenAi(), big: yield* makeFakeOpenAi() }
          const aggregator = "  - { kind: cascade, confidence: agreement, samples: 4, thresholds: [0.25] }"
          const models = (cheap: FakeOpenAi, model: string) => ({
            cheap: modelEntry(cheap, model, prices.cheap, "score: none"),
            mid: modelEntry(others.mid, "m", prices.mid),
            big: modelEntry(others.big, "b", prices.big),
          })
          const alone = yield* runWire(
            dir,
            "n-ignored",
            threeProposers(models(ollama, "llama3.2"), aggregator),
          )
          const honoured = yield* runWire(dir, "n-honoured", threeProposers(models(vllm, "qwen"), aggregator))
          return { alone, honoured, ollama, vllm }
        }),
      ),
    )
    const { alone, honoured, ollama, vllm } = outcome
    expect(alone.failure).toBeUndefined()
    expect(alone.status).toBe("completed")
    expect(honoured.failure).toBeUndefined()
    const rows = (run: WireRun) =>
      run.query(
        "SELECT item_id, chosen, answer, stages, confidence, calls FROM ensemble_items WHERE run_id = ? ORDER BY item_id",
        [run.runId],
      )
    const items = await rows(alone)
    expect(items).toHaveLength(ITEMS)
    // Every sample agrees with the greedy " spam": confidence 1 at the cheapest stage, as where n is honoured.
    for (const r of items)
      expect([r.chosen, r.answer, r.stages, r.confidence]).toEqual(["cheap", " spam", 1, 1])
    expect(items).toEqual(await rows(honoured))
    // Each sample call of 4 became 4 requests on the Ollama-like server (after its first, none asks for n),
    // seeded apart; one request each on the server honouring n.
    const sampleCalls = sampled(vllm).length
    expect(sampleCalls).toBe(ITEMS)
    const greedy = vllm.count("chat") - sampleCalls
    expect(ollama.count("chat")).toBe(greedy + 4 * sampleCalls)
    expect(sampled(ollama).length).toBeGreaterThan(0)
    expect(sampled(ollama).length).toBeLessThanOrEqual(sampleCalls)
    const seeds = ollama.requests().map((r) => (r.body as { seed?: number }).seed)
    expect(new Set(seeds.filter((seed) => seed !== undefined)).size).toBeGreaterThan(sampleCalls)
    // Metering counts every request as a call, and bills every request's tokens.
    const usage = (run: WireRun) =>
      run.query(
        "SELECT sum(calls) AS calls, sum(errors) AS errors, sum(prompt_tokens) AS prompt, sum(completion_tokens) AS completion FROM model_usage WHERE run_id = ? AND model = 'cheap'",
        [run.runId],
      )
    expect(await usage(alone)).toEqual([{ ...billed(ollama, () => [" spam"]), errors: 0 }])
    expect(await usage(honoured)).toEqual([
      { ...billed(vllm, (body) => Array.from({ length: body.n ?? 1 }, () => " spam")), errors: 0 },
    ])
  }, 60_000)
})

describe("aggregators that score, on servers that cannot", () => {
  it("a chat-only endpoint (OpenAI, Ollama) probed with score: auto fails the judge's run, saying why", async () => {
    const run = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const chatOnly = yield* makeFakeOpenAi({ completions: false })
          const servers = [
            yield* answering(" spam"),
            yield* answering(" not spam"),
            yield* answering(" junk"),
          ]
          return yield* runWire(
            dir,
            "judge-chat-only",
            threeProposers(
              {
                cheap: modelEntry(servers[0]!, "c"),
                mid: modelEntry(servers[1]!, "m"),
                big: modelEntry(servers[2]!, "b"),
                referee: modelEntry(chatOnly, "gpt-4o-mini", undefined, "score: auto"),
              },
              "  - { kind: judge, model: referee }",
            ),
          )
        }),
      ),
    )
    expect(run.status).toBe("failed")
    for (const text of [run.failure!, run.error!]) {
      expect(text).toContain("judge-1")
      expect(text).toContain("cannot score")
      expect(text).toContain("/completions answered 404")
    }
  }, 60_000)

  it("a llama.cpp build whose /completions ignores logprobs fails the margin cascade, saying why", async () => {
    const run = await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const llamaCpp = yield* answering(" spam")
          llamaCpp.script("completions", { kind: "noLogprobs" })
          const servers = [yield* answering(" not spam"), yield* answering(" junk")]
          return yield* runWire(
            dir,
            "margin-no-logprobs",
            threeProposers(
              {
                cheap: modelEntry(llamaCpp, "qwen2.5-0.5b", prices.cheap),
                mid: modelEntry(servers[0]!, "m", prices.mid),
                big: modelEntry(servers[1]!, "b", prices.big),
              },
              "  - { kind: cascade, confidence: margin, thresholds: [0.5] }",
            ),
          )
        }),
      ),
    )
    expect(run.status).toBe("failed")
    for (const text of [run.failure!, run.error!]) {
      expect(text).toContain("cheap")
      expect(text).toContain("without logprobs")
      expect(text).toContain('Set score: "chat" (or "none")')
    }
  }, 60_000)

  it("a model declared with score: none is refused at validation wherever an aggregator must score", () => {
    const entry = "{ provider: openai, baseURL: 'http://127.0.0.1:9/v1', model: llama3.2, score: none }"
    const yaml = threeProposers(
      { cheap: entry, mid: entry, big: entry, referee: entry },
      [
        "  - { kind: judge, model: referee }",
        "  - { kind: cascade, confidence: margin, thresholds: [0.5] }",
        "  - { kind: cascade, name: checked, confidence: judge, model: referee, thresholds: [0.5] }",
        "  - { kind: cascade, name: agreed, confidence: agreement, thresholds: [0.5] }",
        "  - { kind: fuse, model: referee }",
      ].join("\n"),
    )
    const parsed = parseScenario(join(dir, "score-none.yaml"), yaml)
    expect(Either.isLeft(parsed)).toBe(true)
    if (Either.isRight(parsed)) return
    const problems = new Map(parsed.left.problems.map((p) => [p.path, p.message]))
    // Agreement and fuse need no scores: nothing about them.
    expect([...problems.keys()].sort()).toEqual([
      "aggregators[0].model",
      "aggregators[2].model",
      "proposers[0].model",
      "proposers[1].model",
      "proposers[2].model",
    ])
    expect(problems.get("aggregators[0].model")).toContain(
      'the judge compares candidates by scoring them, but its model "referee" has score: none',
    )
    expect(problems.get("aggregators[2].model")).toContain('reads the judge\'s probability of "yes"')
    for (const p of [0, 1, 2]) {
      const message = problems.get(`proposers[${p}].model`)
      expect(message).toContain("confidence: margin (aggregators[1]) scores each proposer's answers")
      expect(message).toContain("use confidence: agreement")
    }
    expect(parsed.left.message).toMatch(/line \d+, aggregators\[0\]\.model: the judge/)
  })
})
