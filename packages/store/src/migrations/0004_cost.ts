import type { Migration } from "../Migrations.js"

/**
 * What each agent's calls cost per round (from the prices declared for its model), and the cost of calls no
 * `model_usage` row holds, so that a resumed run's cost budget carries over like its token budget.
 */
export const migration: Migration = {
  id: 4,
  name: "cost",
  sql: `
ALTER TABLE model_usage ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0 CHECK (cost_usd >= 0);
ALTER TABLE runs ADD COLUMN discarded_cost_usd REAL NOT NULL DEFAULT 0 CHECK (discarded_cost_usd >= 0);
`,
}
