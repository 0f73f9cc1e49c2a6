import type { Migration } from "../Migrations.js"

/**
 * Sweeps (issue 16): a scenario's `sweep:` plays several points in one run, each point's cohorts with method
 * `<variant>@p<point>` in every table. `sweep_points` says what each point is: its label
 * (`temperature=0.3,nGen=2`) and the value of each swept path as a JSON object. A run without a sweep has none.
 */
export const migration: Migration = {
  id: 14,
  name: "sweep_points",
  sql: `
CREATE TABLE sweep_points (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  point INTEGER NOT NULL CHECK (point >= 0),
  label TEXT NOT NULL,
  values_json TEXT NOT NULL CHECK (json_valid(values_json)),
  PRIMARY KEY (run_id, point)
) WITHOUT ROWID;
`,
}
