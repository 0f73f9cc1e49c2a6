import type { KindRows, RowBatch } from "./Rows.js"

/**
 * The most rows one transaction of `writeChunked` holds (a step of a 1M-agent population has millions): big
 * enough that a commit's cost is lost in the inserts, small enough that no transaction holds the event loop,
 * the WAL and memory for long.
 */
export const STEP_CHUNK_ROWS = 5_000

/** The `RowBatch` lists in the order `writeBatch` inserts them (a finding after its lesson or message). */
const ORDERED = [
  "agents",
  "lessons",
  "messages",
  "messageFindings",
  "evaluations",
  "findings",
  "leakage",
  "itemLabels",
  "modelUsage",
] as const satisfies ReadonlyArray<keyof RowBatch>

type Chunk = { -readonly [K in keyof RowBatch]: RowBatch[K] }

/**
 * Splits a batch into batches of at most `maxRows` rows each (a usage row's faults go with it), keeping the
 * insert order across them, so every row that references another (a finding its lesson, a kind row an earlier
 * kind table's) comes in the same chunk as it or a later one. The batch's `cohortSteps` and
 * `modelCapabilities` go in the last chunk only: a step is marked done when all its rows are in.
 */
export const chunkBatch = (batch: RowBatch, maxRows: number = STEP_CHUNK_ROWS): Array<RowBatch> => {
  if (!Number.isInteger(maxRows) || maxRows < 1)
    throw new RangeError(`chunkBatch: maxRows must be a positive integer, not ${maxRows}`)
  const chunks: Array<RowBatch> = []
  let chunk: Chunk = {}
  let room = maxRows
  const flush = () => {
    chunks.push(chunk)
    chunk = {}
    room = maxRows
  }
  /** Deals `rows` over the current chunk and new ones; `put` adds a slice to a chunk. */
  const deal = <R>(rows: ReadonlyArray<R>, put: (into: Chunk, slice: ReadonlyArray<R>) => void) => {
    for (let offset = 0; offset < rows.length; ) {
      if (room === 0) flush()
      const take = Math.min(room, rows.length - offset)
      put(chunk, offset === 0 && take === rows.length ? rows : rows.slice(offset, offset + take))
      offset += take
      room -= take
    }
  }
  for (const field of ORDERED) {
    const rows = batch[field]
    if (rows !== undefined && rows.length > 0)
      deal<unknown>(rows, (into, slice) => {
        ;(into as Record<string, ReadonlyArray<unknown>>)[field] = slice
      })
  }
  for (const { table, rows } of batch.kindRows ?? [])
    deal(rows, (into, slice) => {
      into.kindRows = [...(into.kindRows ?? []), { table, rows: slice } satisfies KindRows]
    })
  if (batch.cohortSteps !== undefined) chunk.cohortSteps = batch.cohortSteps
  if (batch.modelCapabilities !== undefined) chunk.modelCapabilities = batch.modelCapabilities
  chunks.push(chunk)
  return chunks
}
