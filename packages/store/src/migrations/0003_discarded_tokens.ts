import type { Migration } from "../Migrations.js"

/**
 * Tokens a run spent that no `model_usage` row holds: in the round a stop cut short, and in cohorts a resume
 * deleted to play again. They were spent, so they still count against the run's budget.
 */
export const migration: Migration = {
  id: 3,
  name: "discarded_tokens",
  sql: `ALTER TABLE runs ADD COLUMN discarded_tokens INTEGER NOT NULL DEFAULT 0 CHECK (discarded_tokens >= 0);`,
}
