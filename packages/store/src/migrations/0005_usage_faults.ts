import type { Migration } from "../Migrations.js"

/**
 * How often each agent's model calls were retried, timed out, waited on a rate limit or failed, per round, and
 * every failed attempt by kind (`model_faults`, one row per kind, so `GROUP BY kind` answers "what went
 * wrong"). The new `model_usage` columns are NULL on rows written before this migration: older versions counted
 * these in memory only, so 0 would claim what nobody measured.
 */
export const migration: Migration = {
  id: 5,
  name: "usage_faults",
  sql: `
ALTER TABLE model_usage ADD COLUMN retries INTEGER CHECK (retries >= 0);
ALTER TABLE model_usage ADD COLUMN timeouts INTEGER CHECK (timeouts >= 0);
ALTER TABLE model_usage ADD COLUMN errors INTEGER CHECK (errors >= 0);
ALTER TABLE model_usage ADD COLUMN rate_limit_waits INTEGER CHECK (rate_limit_waits >= 0);
ALTER TABLE model_usage ADD COLUMN rate_limit_wait_ms INTEGER CHECK (rate_limit_wait_ms >= 0);

-- No CHECK on kind: a new kind of model error must not need a table rebuild.
CREATE TABLE model_faults (
  run_id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind <> ''),
  attempts INTEGER NOT NULL CHECK (attempts > 0),
  errors INTEGER NOT NULL CHECK (errors >= 0 AND errors <= attempts),
  PRIMARY KEY (run_id, repeat, task, method, round, agent_id, model, kind),
  FOREIGN KEY (run_id, repeat, task, method, round, agent_id, model)
    REFERENCES model_usage (run_id, repeat, task, method, round, agent_id, model) ON DELETE CASCADE
) WITHOUT ROWID;
`,
}
