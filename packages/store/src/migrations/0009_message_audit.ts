import type { Migration } from "../Migrations.js"

/**
 * What protocols after social learning need from the generic records: the detector findings behind a message's
 * filter decision (where and what, as a keyed hash, never the text: as `filter_findings` does for lessons), the
 * order of a step's exchanges (`messages.turn`, 0-based within the step), and cohorts that end early (a debate
 * that reached agreement): `cohort_steps.final` marks the step after which a cohort has nothing left to play.
 */
export const migration: Migration = {
  id: 9,
  name: "message_audit",
  sql: `
ALTER TABLE messages ADD COLUMN turn INTEGER CHECK (turn IS NULL OR turn >= 0);

CREATE TABLE message_findings (
  run_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  detector TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('flag', 'redact', 'drop')),
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  matched_hash TEXT NOT NULL,
  reason TEXT NOT NULL,
  FOREIGN KEY (run_id, message_id) REFERENCES messages (run_id, id) ON DELETE CASCADE
);
CREATE INDEX message_findings_by_message ON message_findings (run_id, message_id);

ALTER TABLE cohort_steps ADD COLUMN final INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1));
`,
}
