/**
 * A shard's agents' memories in flat typed arrays: each agent holds up to `capacity` lessons as ids into one
 * table of distinct texts (a lesson relayed through a thousand agents is one string). About 5 bytes per
 * agent plus 8 per slot, whatever the population; the text table is compacted when it outgrows what is held.
 */
export interface Memory {
  readonly size: number
  readonly capacity: number
  /** Texts held by agent `local` (0-based within the shard), oldest first under `oldest` eviction. */
  readonly texts: (local: number) => Array<string>
  readonly count: (local: number) => number
  /** Whether the agent holds this text already. */
  readonly holds: (local: number, text: string) => boolean
  /**
   * Adds a lesson; a full memory first forgets one: the oldest, a random one (`pick` gives its slot) or the
   * lowest-scored (the new lesson is dropped instead when it scores lower than everything held).
   */
  readonly add: (local: number, text: string, score: number, pick: (slots: number) => number) => void
  /** How many held texts have `bit` among the bits `classify` gave them when first seen. */
  readonly countWith: (local: number, bit: number) => number
  /** Drops texts no agent holds any more (cheap when nothing is stale). */
  readonly compact: () => void
  readonly tableSize: () => number
}

export type Eviction = "oldest" | "random" | "lowest-scored"

/**
 * `classify` gives a text its bits once, when the shard first sees it (1: a seed's example, 2: the canary), so
 * counting what an agent knows is a scan of its slots, not of its texts.
 */
export const makeMemory = (
  size: number,
  capacity: number,
  eviction: Eviction,
  classify: (text: string) => number,
): Memory => {
  const slots = new Int32Array(size * capacity).fill(-1)
  const counts = new Uint8Array(size)
  const next = new Uint8Array(size)
  const scores = eviction === "lowest-scored" ? new Float32Array(size * capacity) : undefined
  let table: Array<string> = []
  let ids = new Map<string, number>()
  let classes: Array<number> = []

  const intern = (text: string) => {
    let id = ids.get(text)
    if (id === undefined) {
      id = table.length
      table.push(text)
      classes.push(classify(text))
      ids.set(text, id)
    }
    return id
  }

  /** Slots of an agent in the order they were filled (a ring under `oldest`, otherwise slot order). */
  const order = (local: number): Array<number> => {
    const n = counts[local]!
    const base = local * capacity
    if (eviction !== "oldest" || n < capacity) return Array.from({ length: n }, (_, i) => base + i)
    return Array.from({ length: capacity }, (_, i) => base + ((next[local]! + i) % capacity))
  }

  const holds = (local: number, text: string) => {
    const id = ids.get(text)
    if (id === undefined) return false
    const base = local * capacity
    for (let i = 0; i < counts[local]!; i++) if (slots[base + i] === id) return true
    return false
  }

  const add: Memory["add"] = (local, text, score, pick) => {
    const base = local * capacity
    const n = counts[local]!
    if (n < capacity) {
      slots[base + n] = intern(text)
      if (scores !== undefined) scores[base + n] = score
      counts[local] = n + 1
      next[local] = (n + 1) % capacity
      return
    }
    let slot: number
    if (eviction === "oldest") {
      slot = next[local]!
      next[local] = (slot + 1) % capacity
    } else if (eviction === "random") slot = pick(capacity)
    else {
      slot = 0
      for (let i = 1; i < capacity; i++) if (scores![base + i]! < scores![base + slot]!) slot = i
      if (score <= scores![base + slot]!) return
    }
    slots[base + slot] = intern(text)
    if (scores !== undefined) scores[base + slot] = score
  }

  const compact = () => {
    if (table.length < 2 * size * Math.min(capacity, 4) + 1024) return
    const remap = new Map<number, number>()
    const kept: Array<string> = []
    const keptClasses: Array<number> = []
    for (let i = 0; i < slots.length; i++) {
      const id = slots[i]!
      if (id < 0) continue
      let to = remap.get(id)
      if (to === undefined) {
        to = kept.length
        kept.push(table[id]!)
        keptClasses.push(classes[id]!)
        remap.set(id, to)
      }
      slots[i] = to
    }
    table = kept
    classes = keptClasses
    ids = new Map(kept.map((t, i) => [t, i]))
  }

  return {
    size,
    capacity,
    texts: (local) => order(local).map((slot) => table[slots[slot]!]!),
    count: (local) => counts[local]!,
    holds,
    add,
    countWith: (local, bit) => {
      let n = 0
      const base = local * capacity
      for (let i = 0; i < counts[local]!; i++) if ((classes[slots[base + i]!]! & bit) !== 0) n++
      return n
    },
    compact,
    tableSize: () => table.length,
  }
}
