import type { Migration } from "../Migrations.js"

/**
 * Who is playing a run: at most one process at a time holds a run's lease, proves it is alive with a heartbeat,
 * and deletes the row when the run ends. A second `--resume` reads it to refuse while the holder lives.
 */
export const migration: Migration = {
  id: 6,
  name: "run_lease",
  sql: `
CREATE TABLE run_leases (
  run_id TEXT PRIMARY KEY NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  token TEXT NOT NULL CHECK (length(token) > 0),
  pid INTEGER NOT NULL CHECK (pid > 0),
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
) WITHOUT ROWID;
`,
}
