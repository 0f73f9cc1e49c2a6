import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Schema } from "effect"
import { Actor, ActorAddress, ActorSystem, LocalTransport } from "../src/index.js"

// The in-process shortcut: who gets the sender's own instance, and what still takes the encoded path.

class Keep extends Schema.TaggedRequest<Keep>()("Keep", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: { value: Schema.Number },
}) {}

/** Its handler breaks its own success Schema (a cast), so the reply must be refused on every path. */
class Lie extends Schema.TaggedRequest<Lie>()("Lie", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: {},
}) {}

class Other extends Schema.TaggedRequest<Other>()("Other", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {},
}) {}

const Protocol = Schema.Union(Keep, Lie)
/** Accepts every request of `Protocol`, but is another Schema object: its senders take the encoded path. */
const Wider = Schema.Union(Keep, Lie, Other)

const address = ActorAddress.make({ run: "r1", kind: "keeper", id: "k" })

const systemOn = (serialize: boolean) =>
  Effect.map(
    Layer.build(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer({ serialize })))),
    (context) => Context.get(context, ActorSystem),
  )

const keeper = (received: Array<Keep>) =>
  Actor.make(
    Protocol,
    Effect.succeed({
      Keep: (request) => Effect.sync(() => received.push(request)),
      Lie: () => Effect.succeed("not a number" as unknown as number),
    }),
  )

describe("in-process delivery", () => {
  it.scoped("hands the instance over only without serialize and with the recipient's own protocol", () =>
    Effect.gen(function* () {
      for (const serialize of [false, true]) {
        const system = yield* systemOn(serialize)
        const received: Array<Keep> = []
        const own = yield* system.spawn(address, keeper(received))
        const wider = system.refFor(address, Wider)
        const sent = [new Keep({ value: 1 }), new Keep({ value: 2 }), new Keep({ value: 3 })]
        yield* own.tell(sent[0]!)
        expect(yield* own.ask(sent[1]!)).toBe(2)
        expect(yield* wider.ask(sent[2]!)).toBe(3)
        expect(received).toEqual(sent)
        expect(received.map((r, i) => r === sent[i])).toEqual([!serialize, !serialize, false])
        for (const r of received) expect(r).toBeInstanceOf(Keep)
      }
    }),
  )

  it.scoped("a reply that breaks its Schema is MalformedMessage on every path", () =>
    Effect.gen(function* () {
      for (const serialize of [false, true]) {
        const system = yield* systemOn(serialize)
        const own = yield* system.spawn(address, keeper([]))
        for (const ref of [own, system.refFor(address, Wider)]) {
          const error = yield* Effect.flip(ref.ask(new Lie()))
          expect(error._tag).toBe("MalformedMessage")
          expect(error.message).toMatch(/reply does not match its Schema/)
        }
      }
    }),
  )
})
