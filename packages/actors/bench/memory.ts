// Heap per idle actor: heap used after spawning N idle actors, minus before, divided by N. The actor is a
// counter whose state is one number, so this is nearly all runtime overhead.
// Run (esbuild is in the pnpm store, e.g. node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild):
//   esbuild bench/memory.ts --bundle --platform=node --format=esm --outfile=/tmp/m.mjs && node --expose-gc /tmp/m.mjs 10000
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
)

const n = Number(process.argv[2] ?? 10_000)
const gc = (globalThis as { gc?: () => void }).gc
const heap = () => {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

const program = Effect.gen(function* () {
  const system = yield* ActorSystem
  const before = heap()
  const t0 = performance.now()
  const refs = yield* Effect.forEach(
    Array.from({ length: n }, (_, i) => i),
    (i) => system.spawn(ActorAddress.make({ run: "r", kind: "counter", id: `c${i}` }), counter),
  )
  const spawnMs = performance.now() - t0
  yield* Effect.sleep("20 millis") // every actor has built its state and gone idle
  const idle = heap()
  yield* Effect.forEach(refs, (ref) => ref.ask(new Add({ by: 1 })), { concurrency: 256, discard: true })
  yield* Effect.sleep("20 millis")
  const afterAsk = heap()
  return {
    actors: n,
    spawnMicrosPerActor: Math.round((spawnMs * 1000) / n),
    idleBytesPerActor: Math.round((idle - before) / n),
    idleBytesPerActorAfterOneAsk: Math.round((afterAsk - before) / n),
  }
}).pipe(Effect.provide(ActorSystem.layer().pipe(Layer.provide(LocalTransport.layer()))), Effect.scoped)

Effect.runPromise(program).then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
