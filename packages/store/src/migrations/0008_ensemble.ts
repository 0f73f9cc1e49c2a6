import type { Migration } from "../Migrations.js"

/**
 * The ensemble kind's records: one row per item a coalition answered (`ensemble_items`) and per stage an item
 * went through (`ensemble_stages`: cascade stages, moa layers), with views for the coalition against its
 * proposers, the cascade's deferral per stage and the accuracy-cost points over repeats. Both tables carry
 * run_id, repeat, task, method, so resume finds and deletes their cohorts like any other (no per-kind code).
 */
export const migration: Migration = {
  id: 8,
  name: "ensemble",
  sql: `
CREATE TABLE ensemble_items (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  item_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  target TEXT NOT NULL,
  correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
  oracle INTEGER NOT NULL CHECK (oracle IN (0, 1)),
  chosen TEXT,
  confidence REAL,
  stages INTEGER NOT NULL DEFAULT 1 CHECK (stages >= 1),
  calls INTEGER NOT NULL CHECK (calls >= 0),
  prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0),
  completion_tokens INTEGER NOT NULL CHECK (completion_tokens >= 0),
  cost_usd REAL NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
  flips INTEGER CHECK (flips IS NULL OR flips >= 0),
  pairs INTEGER CHECK (pairs IS NULL OR pairs >= 0),
  CHECK (flips IS NULL OR (pairs IS NOT NULL AND flips <= pairs)),
  PRIMARY KEY (run_id, repeat, task, method, item_id)
) WITHOUT ROWID;

-- Deferred: a batch may list its stages before their items; the check runs when the batch commits.
CREATE TABLE ensemble_stages (
  run_id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  item_id TEXT NOT NULL,
  stage INTEGER NOT NULL CHECK (stage >= 0),
  agent TEXT NOT NULL,
  answer TEXT NOT NULL,
  confidence REAL,
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  PRIMARY KEY (run_id, repeat, task, method, item_id, stage),
  FOREIGN KEY (run_id, repeat, task, method, item_id)
    REFERENCES ensemble_items (run_id, repeat, task, method, item_id) ON DELETE CASCADE
    DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;

-- Per cohort: the coalition's accuracy, the oracle's (some proposer right), the best single proposer's (ties to
-- the first agent id) and the proposers' mean, from the same cohort's evaluations; spend per item; the
-- judge's position-flip rate over all pairs judged (NULL without pairs).
CREATE VIEW ensemble_summary AS
WITH proposers AS (
  SELECT run_id, repeat, task, method, student AS agent, AVG(score) AS accuracy
  FROM evaluations WHERE student <> 'coalition' AND metric = 'accuracy'
  GROUP BY run_id, repeat, task, method, student
),
ranked AS (
  SELECT run_id, repeat, task, method, agent, accuracy,
    ROW_NUMBER() OVER (PARTITION BY run_id, repeat, task, method ORDER BY accuracy DESC, agent) AS place,
    AVG(accuracy) OVER (PARTITION BY run_id, repeat, task, method) AS mean_proposer
  FROM proposers
),
items AS (
  SELECT run_id, repeat, task, method, COUNT(*) AS items, AVG(correct) AS accuracy, AVG(oracle) AS oracle,
    AVG(calls) AS calls_per_item, AVG(prompt_tokens + completion_tokens) AS tokens_per_item,
    AVG(cost_usd) AS cost_per_item, CAST(SUM(flips) AS REAL) / NULLIF(SUM(pairs), 0) AS flip_rate
  FROM ensemble_items
  GROUP BY run_id, repeat, task, method
)
SELECT i.run_id, i.repeat, i.task, i.method, i.items, i.accuracy, i.oracle, r.accuracy AS best_single,
  r.agent AS best_agent, r.mean_proposer, i.calls_per_item, i.tokens_per_item, i.cost_per_item, i.flip_rate
FROM items AS i
LEFT JOIN ranked AS r ON r.run_id = i.run_id AND r.repeat = i.repeat AND r.task = i.task
  AND r.method = i.method AND r.place = 1;

-- Per cohort and stage: items that reached it, and of those the ones it did not accept (passed on).
CREATE VIEW cascade_deferral AS
SELECT run_id, repeat, task, method, stage, COUNT(*) AS reached, SUM(accepted = 0) AS deferred,
  AVG(accepted = 0) AS deferral_rate
FROM ensemble_stages
GROUP BY run_id, repeat, task, method, stage;

-- One accuracy-cost point per task and method: means over repeats, with the standard error of the mean
-- accuracy (sample standard deviation over repeats / sqrt(repeats); NULL for one repeat).
CREATE VIEW ensemble_frontier AS
WITH per_repeat AS (
  SELECT run_id, task, method, accuracy, cost_per_item, tokens_per_item,
    AVG(accuracy) OVER (PARTITION BY run_id, task, method) AS mean
  FROM ensemble_summary
)
SELECT run_id, task, method, COUNT(*) AS repeats, AVG(accuracy) AS accuracy,
  CASE WHEN COUNT(*) > 1
    THEN sqrt(SUM((accuracy - mean) * (accuracy - mean)) / (COUNT(*) - 1) / COUNT(*)) END AS accuracy_sem,
  AVG(cost_per_item) AS cost_per_item, AVG(tokens_per_item) AS tokens_per_item
FROM per_repeat
GROUP BY run_id, task, method;
`,
}
