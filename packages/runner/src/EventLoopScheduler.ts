import { Effect, Scheduler } from "effect"

/**
 * Effect's default scheduler runs fibers on microtasks and only falls back to a macrotask after 2048 drains in
 * a row of one fiber's queue. A run's fibers wake each other through in-memory queues (actors, the sim model),
 * so each drain is short, that count keeps restarting, and Node's event loop never gets a turn: a 5 s run kept
 * it blocked for 5 s, so Ctrl-C, SIGTERM, timers and sockets (NATS heartbeats) waited until the run was over.
 *
 * This scheduler works like the default one but hands over to the event loop (`setImmediate`, which runs after
 * pending I/O and signals) once `sliceMs` have passed since the loop last had a turn.
 */
export const eventLoopScheduler = (sliceMs = 20): Scheduler.Scheduler => {
  let turnAt = performance.now()
  const onTurn = (drain: (depth: number) => void) => () => {
    turnAt = performance.now()
    drain(0)
  }
  // One queue for every fiber, as Effect's scheduler had before 3.20. With one queue per fiber
  // (`SchedulerRunner.cached`, keyed weakly by fiber) a run stopped before its first round ended hung in about
  // two of three trials: an interrupted fiber's wake-up was never run, and its parent waited for it forever.
  const runner = new Scheduler.SchedulerRunner((depth, drain) => {
    if (depth >= 2048 || performance.now() - turnAt >= sliceMs) setImmediate(onTurn(drain))
    else queueMicrotask(() => drain(depth + 1))
  })
  return Scheduler.make((task, priority) => runner.scheduleTask(task, priority))
}

/** Runs `effect`, and every fiber it forks, on `eventLoopScheduler`, so signals and I/O are not starved. */
export const yieldingToEventLoop = <A, E, R>(effect: Effect.Effect<A, E, R>, sliceMs?: number) =>
  Effect.withScheduler(effect, eventLoopScheduler(sliceMs))
