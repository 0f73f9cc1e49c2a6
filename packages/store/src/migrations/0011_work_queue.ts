import type { Migration } from "../Migrations.js"

/**
 * What issue 14's work queue records (packages/store/README.md):
 * - `cohort_steps.worker` and `cohort_steps.attempt`: the `lyceum worker` that played the step and the unit's
 *   delivery it came from (1, then 2, 3... when its cohort was played again after a worker was lost); NULL for a
 *   step played in the coordinator's own process;
 * - `runs.result_key`: 32 random bytes, the run's key for the work queue: each unit carries a key derived from it,
 *   and a step's result is written only if signed with its unit's key, so a process that never received the unit
 *   cannot forge its results. Kept with the run so a restarted coordinator (`--resume`) can still check results
 *   published before it stopped. It is not a credential (it opens nothing on the server).
 */
export const migration: Migration = {
  id: 11,
  name: "work_queue",
  sql: `
ALTER TABLE cohort_steps ADD COLUMN worker TEXT;
ALTER TABLE cohort_steps ADD COLUMN attempt INTEGER CHECK (attempt IS NULL OR attempt >= 1);
ALTER TABLE runs ADD COLUMN result_key BLOB;
`,
}
