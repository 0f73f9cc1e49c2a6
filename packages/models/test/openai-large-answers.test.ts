import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeOpenAiModel } from "../src/openai/OpenAiModel.js"

/**
 * A server whose answer never ends (or is far larger than any completion): the client stops reading at its
 * limit and the call fails naming it, instead of reading the whole body into memory.
 */
const endlessServer = (declareLength: boolean) =>
  Effect.acquireRelease(
    Effect.async<{ readonly baseURL: string; readonly close: () => void; readonly sent: () => number }>(
      (resume) => {
        let sent = 0
        const server = createServer((request, response) => {
          request.resume()
          const chunk = Buffer.alloc(16 * 1024, 32)
          response.writeHead(200, {
            "content-type": "application/json",
            ...(declareLength && { "content-length": String(1024 * 1024 * 1024) }),
          })
          response.write('{"choices":[{"index":0,"message":{"role":"assistant","content":"')
          const pump = () => {
            // Writes until the client goes away (or 64 MB, far past the test's limit).
            while (!response.destroyed && sent < 64 * 1024 * 1024) {
              sent += chunk.length
              if (!response.write(chunk)) return void response.once("drain", pump)
            }
            response.end()
          }
          pump()
        })
        server.listen(0, "127.0.0.1", () =>
          resume(
            Effect.succeed({
              baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
              close: () => server.closeAllConnections(),
              sent: () => sent,
            }),
          ),
        )
      },
    ),
    (server) => Effect.sync(() => server.close()),
  )

describe("answers larger than any completion", () => {
  for (const declareLength of [true, false])
    it.scopedLive(
      `are cut off at the client's limit (${declareLength ? "a huge content-length" : "chunked, no length"})`,
      () =>
        Effect.gen(function* () {
          const server = yield* endlessServer(declareLength)
          const model = yield* makeOpenAiModel(
            "flood",
            { provider: "openai", baseURL: server.baseURL, model: "m", maxRetries: 0, score: "none" },
            {},
            { maxResponseBytes: 256 * 1024 },
          )
          const error = yield* Effect.flip(model.generate({ prompt: "Hi" }))
          expect(error.message).toMatch(/exceeded 262144 bytes/)
          // It stopped reading long before the server stopped writing.
          expect(server.sent()).toBeLessThan(32 * 1024 * 1024)
        }),
    )
})
