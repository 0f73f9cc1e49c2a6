import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type SqlValue, Store } from "@lyceum/store"
import { Effect, Either, Layer } from "effect"
// The runner and the kind registry depend on this package, so they cannot be its dependencies: imported in place.
import { parseScenario } from "../../kinds/src/index.js"
// The project's OpenAI-wire test server is not exported by @lyceum/models; it is used in place, as the
// runner's tests use it (../../runner/test/UsageFaults.test.ts).
import {
  type FakeOpenAi,
  type FakeOpenAiOptions,
  fakeTokens,
  makeFakeOpenAi,
} from "../../models/test/support/FakeOpenAi.js"
import { Progress } from "../../runner/src/Progress.js"
import { runScenario } from "../../runner/src/RunScenario.js"

/**
 * Runs of `kind: ensemble` scenarios through the runner against local OpenAI-wire servers (real HTTP, the real
 * SDK), stored in a real SQLite file, and what the servers were asked.
 */

export const tempDir = () => mkdtempSync(join(tmpdir(), "lyceum-ensemble-wire-"))

/** A server that always answers `text` on chat (one choice, whatever `n` asks: as Ollama and llama.cpp do). */
export const answering = (text: string, options: FakeOpenAiOptions = {}) =>
  makeFakeOpenAi({ ...options, defaultReply: { kind: "ok", texts: [text] } })

/** An openai model entry on `server` with prices per million tokens. */
export const modelEntry = (
  server: FakeOpenAi,
  model: string,
  prices?: readonly [number, number],
  extra = "",
) =>
  `{ provider: openai, baseURL: '${server.baseURL}', model: ${model}, maxRetries: 0, timeoutMs: 20000` +
  (prices === undefined ? "" : `, prices: { promptPerMTok: ${prices[0]}, completionPerMTok: ${prices[1]} }`) +
  (extra === "" ? "" : `, ${extra}`) +
  " }"

export type Row = Record<string, unknown>

export interface WireRun {
  readonly runId: string
  readonly status: string
  readonly error: string | null
  /** The runner's failure, if the run failed. */
  readonly failure: string | undefined
  readonly query: (sql: string, params?: ReadonlyArray<SqlValue>) => Promise<ReadonlyArray<Row>>
}

/** Plays `yaml` with the runner (every agent in process) into `db`, and opens the stored run for queries. */
export const runWire = (dir: string, name: string, yaml: string) =>
  Effect.gen(function* () {
    const parsed = parseScenario(join(dir, `${name}.yaml`), yaml)
    if (Either.isLeft(parsed)) return yield* Effect.die(new Error(parsed.left.message))
    const db = join(dir, `${name}.db`)
    const store = Layer.fresh(Store.layer({ filename: db }))
    const outcome = yield* Effect.either(
      // The fakes are scripted answer by answer and do not behave as any real server: the capability probe
      // (tested in packages/runner/test/EndpointProbe.test.ts) would take their answers and judge them.
      runScenario({
        loaded: parsed.right,
        versions: { lyceum: "test", node: process.version },
        probeEndpoints: false,
      }),
    ).pipe(Effect.provide([store, Layer.succeed(Progress, { report: () => Effect.void })]))
    const query = (sql: string, params: ReadonlyArray<SqlValue> = []) =>
      Effect.runPromise(
        Effect.flatMap(Store, (s) => s.query(sql, params)).pipe(
          Effect.provide(Store.layer({ filename: db })),
          Effect.orDie,
        ),
      )
    const [run] = yield* Effect.promise(() =>
      query("SELECT id, status, error FROM runs ORDER BY started_at DESC LIMIT 1"),
    )
    return {
      runId: run!.id as string,
      status: run!.status as string,
      error: (run!.error as string | null) ?? null,
      failure: Either.isLeft(outcome) ? String((outcome.left as { reason?: string }).reason) : undefined,
      query,
    } satisfies WireRun
  })

const wordCount = (text: string) => fakeTokens(text).filter((token) => token.trim() !== "").length

/**
 * What `server` billed, worked out from the requests it received the way it bills them: chat = the words of
 * the messages and of the answers (`reply` gives a request's answers), completions (scoring) = the echoed
 * prompt's tokens and one generated token.
 */
export const billed = (
  server: FakeOpenAi,
  // biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
  reply: (body: any) => ReadonlyArray<string>,
) =>
  server.requests().reduce(
    (sum, { endpoint, body }) => {
      if (endpoint === "chat") {
        const messages: ReadonlyArray<{ content: string }> = body.messages
        return {
          calls: sum.calls + 1,
          prompt: sum.prompt + messages.reduce((s, m) => s + wordCount(m.content), 0),
          completion: sum.completion + reply(body).reduce((s, t) => s + wordCount(t), 0),
        }
      }
      return {
        calls: sum.calls + 1,
        prompt: sum.prompt + fakeTokens(body.prompt).length,
        completion: sum.completion + body.max_tokens,
      }
    },
    { calls: 0, prompt: 0, completion: 0 },
  )

/** The default server's chat answers: `answer <i> to <last message>`, n of them. */
// biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
export const echoAnswers = (body: any): ReadonlyArray<string> =>
  Array.from({ length: body.n ?? 1 }, (_, i) => `answer ${i + 1} to ${body.messages.at(-1).content}`)

/** The last chat message of a request (the whole completion-style prompt the ensemble sends). */
// biome-ignore lint/suspicious/noExplicitAny: a request body as JSON
export const promptOf = (body: any): string => body.messages?.at(-1)?.content ?? body.prompt

/** Rows grouped by a column's value. */
export const by = (rows: ReadonlyArray<Row>, key: string) => {
  const groups = new Map<unknown, Array<Row>>()
  for (const row of rows) groups.set(row[key], [...(groups.get(row[key]) ?? []), row])
  return groups
}

export const sum = (rows: ReadonlyArray<Row>, column: string) =>
  rows.reduce((s, r) => s + (r[column] as number), 0)

/** The requests a server received that asked for several samples (`n` > 1). */
export const sampled = (server: FakeOpenAi) => server.requests().filter((r) => (r.body.n ?? 1) > 1)
