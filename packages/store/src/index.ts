export { chunkBatch, STEP_CHUNK_ROWS } from "./Chunks.js"
export type { CohortRef, Cohorts } from "./Cohorts.js"
export { type Migration, migrate, migrations } from "./Migrations.js"
export { storeReads } from "./Reads.js"
export * from "./Rows.js"
export type { RunLeases } from "./RunLeases.js"
export type { RunState } from "./RunState.js"
export {
  makeStore,
  type SqlParams,
  Store,
  type StoreOptions,
  type StoreService,
} from "./Store.js"
export { StoreError } from "./StoreError.js"
