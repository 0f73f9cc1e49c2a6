// Messages per second through LocalTransport, Schema encoding and decoding included.
// Run (esbuild is in the pnpm store, e.g. node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild):
//   esbuild bench/throughput.ts --bundle --platform=node --format=esm --outfile=/tmp/t.mjs && node /tmp/t.mjs
import { Effect, Layer, Schema } from "effect"
import { Actor, ActorAddress, ActorSystem, LocalTransport } from "../src/index.js"

class Add extends Schema.TaggedRequest<Add>()("Add", {
  failure: Schema.Never,
  success: Schema.Number,
  payload: { by: Schema.Number },
}) {}

const counter = Actor.make(
  Add,
  Effect.sync(() => {
    let total = 0
    return { Add: ({ by }) => Effect.sync(() => (total += by)) }
  }),
  { mailboxCapacity: 1_000_000 },
)

const n = Number(process.argv[2] ?? 20_000)
const rate = (label: string, ms: number) =>
  process.stdout.write(`${label}: ${Math.round((n / ms) * 1000)} msg/s\n`)

const program = Effect.gen(function* () {
  const system = yield* ActorSystem
  const ref = yield* system.spawn(ActorAddress.make({ run: "r", kind: "counter", id: "a" }), counter)
  const many = yield* Effect.forEach(
    Array.from({ length: 1000 }, (_, i) => i),
    (i) => system.spawn(ActorAddress.make({ run: "r", kind: "counter", id: `c${i}` }), counter),
  )
  let t = performance.now()
  for (let i = 0; i < n; i++) yield* ref.tell(new Add({ by: 1 }))
  yield* ref.ask(new Add({ by: 0 }))
  rate("tell, one sender to one actor", performance.now() - t)
  t = performance.now()
  for (let i = 0; i < n; i++) yield* ref.ask(new Add({ by: 1 }))
  rate("ask, sequential round trips", performance.now() - t)
  t = performance.now()
  yield* Effect.forEach(Array.from({ length: n }), () => ref.ask(new Add({ by: 1 })), { concurrency: 256 })
  rate("ask, 256 in flight to one actor", performance.now() - t)
  t = performance.now()
  yield* Effect.forEach(
    Array.from({ length: n }, (_, i) => many[i % many.length]!),
    (r) => r.ask(new Add({ by: 1 })),
    {
      concurrency: 256,
    },
  )
  rate("ask, 256 in flight spread over 1,000 actors", performance.now() - t)
}).pipe(Effect.provide(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer()))), Effect.scoped)

Effect.runPromise(program)
