// The README's example, kept compiling and correct.
import { expect, it } from "@effect/vitest"
import { Effect, Layer, Ref, Schema } from "effect"
import { Actor, ActorAddress, ActorSystem, LocalTransport } from "../src/index.js"

class Overdrawn extends Schema.TaggedError<Overdrawn>()("Overdrawn", { balance: Schema.Number }) {}
class Deposit extends Schema.TaggedRequest<Deposit>()("Deposit", {
  payload: { amount: Schema.Number },
  success: Schema.Number,
  failure: Schema.Never,
}) {}
class Withdraw extends Schema.TaggedRequest<Withdraw>()("Withdraw", {
  payload: { amount: Schema.Number },
  success: Schema.Number,
  failure: Overdrawn,
}) {}
const AccountProtocol = Schema.Union(Deposit, Withdraw)

const account = Actor.make(
  AccountProtocol,
  Effect.gen(function* () {
    const balance = yield* Ref.make(0) // the state lives in the build step's closure
    return {
      Deposit: ({ amount }) => Ref.updateAndGet(balance, (b) => b + amount),
      Withdraw: ({ amount }) =>
        Effect.flatMap(Ref.get(balance), (b) =>
          b < amount
            ? Effect.fail(new Overdrawn({ balance: b }))
            : Ref.updateAndGet(balance, (x) => x - amount),
        ),
    }
  }),
  { mailboxCapacity: 100 },
)

it.scoped("the README example", () =>
  Effect.gen(function* () {
    const system = yield* ActorSystem
    const alice = ActorAddress.make({ run: "r1", kind: "account", id: "alice" })
    yield* system.spawn(alice, account)
    const ref = system.refFor(alice, AccountProtocol) // from anywhere, knowing only the address
    yield* ref.tell(new Deposit({ amount: 10 }))
    expect(yield* ref.ask(new Withdraw({ amount: 3 }))).toBe(7)
    const error = yield* Effect.flip(ref.ask(new Withdraw({ amount: 50 })))
    expect(error).toMatchObject({ _tag: "Overdrawn", balance: 7 })
  }).pipe(Effect.provide(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer())))),
)
