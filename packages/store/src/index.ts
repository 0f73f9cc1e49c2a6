export { type Migration, migrate, migrations } from "./Migrations.js"
export * from "./Rows.js"
export type { RunLeases } from "./RunLeases.js"
export type { CohortRef, RunState } from "./RunState.js"
export {
  makeStore,
  type SqlParams,
  type SqlValue,
  Store,
  type StoreOptions,
  type StoreService,
} from "./Store.js"
export { StoreError } from "./StoreError.js"
