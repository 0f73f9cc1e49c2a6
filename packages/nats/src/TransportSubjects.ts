/**
 * The subjects `NatsTransport` uses besides the actor addresses of `Subjects.ts`.
 *
 * Durable messages live under their own root, `lyceum-durable.<run>.<kind>.<id>`, not under `lyceum.<run>.>`:
 * a JetStream stream answers every publish on its subjects with a PubAck, so a stream over `lyceum.<run>.>`
 * would store every core tell and ask and answer them before the actor could.
 */
import type { ActorAddress } from "@lyceum/actors"
import * as Subjects from "./Subjects.js"

/** First token of durable subjects. */
export const durableRoot = "lyceum-durable"

/**
 * `lyceum.<run>.<kind>.<id>`, for an address whose tokens `ActorAddress` already validated: the one subject its
 * host subscribes to for it.
 */
export const actor = (address: ActorAddress): string =>
  `${Subjects.root}.${address.run}.${address.kind}.${address.id}`

/** `lyceum-durable.<run>.<kind>.<id>`: where durable messages to one actor are published. */
export const durableActor = (address: ActorAddress): string =>
  `${durableRoot}.${address.run}.${address.kind}.${address.id}`

/** `lyceum-durable.<run>.>`: the filter of a run's durable consumer. */
export const durableRun = (run: string): string => `${durableRoot}.${run}.>`

/** `lyceum.<run>.dead-letter`, for a run already validated as a subject token. */
export const deadLetter = (run: string): string => `${Subjects.root}.${run}.${Subjects.deadLetterToken}`

/** The subjects a run's stream captures: durable messages and dead letters. */
export const streamSubjects = (run: string): ReadonlyArray<string> => [durableRun(run), deadLetter(run)]
