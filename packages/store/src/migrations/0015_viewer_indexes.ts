import type { Migration } from "../Migrations.js"

/**
 * Indexes for `lyceum view` (issue 16): a page of a run's lessons in (repeat, round) order, all of them or
 * those with one filter decision (the drill-down to dropped lessons), is an index range read in page order
 * instead of a sort of every lesson of the run; the count of such a filter reads the same range.
 */
export const migration: Migration = {
  id: 15,
  name: "viewer_indexes",
  sql: `
CREATE INDEX lessons_by_round ON lessons (run_id, repeat, round);
CREATE INDEX lessons_by_action ON lessons (run_id, filter_action, repeat, round);
`,
}
