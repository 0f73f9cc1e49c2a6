import { createHash, createHmac, timingSafeEqual } from "node:crypto"
import type { NatsClient } from "@lyceum/nats"
import { Duration, Effect, Schedule, Schema } from "effect"
import { partHeader, partsHeader, reportHeader, StepReport, signatureHeader } from "./QueueMessages.js"
import { resultSubject, runToken, unitToken } from "./QueueNames.js"

const encoder = new TextEncoder()
const encodeReport = Schema.encodeSync(Schema.parseJson(StepReport))

/** The server away or slow (restarting, a cluster electing a leader): worth the same publish again later. */
const outages = new Set(["NatsTimeout", "NatsConnectionError", "JetStreamError"])
export const isBusOutage = (error: unknown): boolean =>
  typeof error === "object" && error !== null && outages.has(String((error as { _tag?: unknown })._tag))

/** Room left in each message for headers and framing. */
const HEADROOM = 4_096

/**
 * Publishes one step report durably, in parts when it is larger than the server takes in one message. Each
 * part's `Nats-Msg-Id` names the run, unit, the unit message it was played from (`delivery`: the work stream's
 * sequence of that message and its delivery count), step and part, so a publish retried after a lost answer is
 * stored once, while another play of the unit — redelivered, or queued again by a resumed coordinator — is
 * another message (the coordinator applies the first copy of a step and checks the others against it). Retries
 * while the server is away (up to `giveUpAfterMs`), then fails.
 */
export const publishReport = (
  client: NatsClient.NatsClient,
  report: StepReport,
  delivery: { readonly unitSequence: number },
  unitKey: string,
  giveUpAfterMs: number,
) =>
  Effect.gen(function* () {
    const bytes = encoder.encode(encodeReport(report))
    const signature = sign(unitKey, bytes)
    const max = Math.max(16_384, (yield* client.maxPayload) - HEADROOM)
    const parts = Math.max(1, Math.ceil(bytes.length / max))
    const id = `${runToken(report.runId)}/${unitToken(report.unit)}/${delivery.unitSequence}.${report.attempt}/${report.step}`
    const subject = resultSubject(report.runId, report.unit)
    for (let part = 0; part < parts; part++) {
      const chunk = bytes.subarray(part * max, Math.min(bytes.length, (part + 1) * max))
      yield* client
        .publishDurable(subject, chunk, `${id}/${part}`, {
          [reportHeader]: id,
          [partHeader]: String(part),
          [partsHeader]: String(parts),
          [signatureHeader]: signature,
        })
        .pipe(
          // Away or slow (a restarting server, a cluster electing a leader): the same message again, deduplicated.
          Effect.retry({
            schedule: Schedule.exponential(Duration.millis(200), 2).pipe(
              Schedule.either(Schedule.spaced(Duration.seconds(3))),
              Schedule.upTo(Duration.millis(giveUpAfterMs)),
            ),
            while: isBusOutage,
          }),
        )
    }
  })

/**
 * Columns that differ between two honest attempts of the same step, left out of the comparison: wall-clock times,
 * and the filter findings' keyed hashes (each process keys them with its own random key, so that a database
 * reader cannot test guesses of a secret against them).
 */
const perAttempt = new Set(["createdAt", "created_at", "matchedHash", "matched_hash"])

/** A step's rows as compared between attempts: canonical JSON without the per-attempt columns, hashed. */
export const rowsDigest = (rows: unknown): string =>
  createHash("sha256")
    .update(JSON.stringify(rows, (key, value) => (perAttempt.has(key) ? undefined : value)))
    .digest("hex")

/** A unit's key: derived from the run's key and the unit's name, so the coordinator need not remember it. */
export const unitKey = (runKey: Uint8Array, runId: string, unit: Parameters<typeof unitToken>[0]): string =>
  createHmac("sha256", runKey)
    .update(`${runToken(runId)}/${unitToken(unit)}`)
    .digest("hex")

const sign = (key: string, bytes: Uint8Array) =>
  createHmac("sha256", Buffer.from(key, "hex")).update(bytes).digest("hex")

/** Whether `signature` is the unit key's signature of `bytes` (compared in constant time). */
export const signedBy = (key: string, bytes: Uint8Array, signature: string | undefined): boolean => {
  if (signature === undefined || !/^[0-9a-f]{64}$/.test(signature)) return false
  return timingSafeEqual(Buffer.from(sign(key, bytes), "hex"), Buffer.from(signature, "hex"))
}
