import type { Migration } from "../Migrations.js"

/**
 * The population kind's records (issue 15): aggregates per round and hop distance from the seed agents for
 * every agent (`population_rounds`, a population of a million agents is a few hundred rows per round), and one
 * row per sampled (evaluated) agent and round (`population_agents`). Both carry run_id, repeat, task, method,
 * so resume finds and deletes their cohorts like any other. Views: the diffusion curve per cohort and round
 * (`population_diffusion`) and per hop over repeats (`population_by_hop`).
 */
export const migration: Migration = {
  id: 12,
  name: "population",
  sql: `
-- hop: distance in the network from the nearest seed agent; -1 for agents no seed can reach.
CREATE TABLE population_rounds (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  round INTEGER NOT NULL CHECK (round >= 0),
  hop INTEGER NOT NULL CHECK (hop >= -1),
  agents INTEGER NOT NULL CHECK (agents > 0),
  learners INTEGER NOT NULL CHECK (learners BETWEEN 0 AND agents),
  lessons_sent INTEGER NOT NULL CHECK (lessons_sent >= 0),
  lessons_dropped INTEGER NOT NULL CHECK (lessons_dropped >= 0),
  lessons_redacted INTEGER NOT NULL CHECK (lessons_redacted >= 0),
  memory_mean REAL NOT NULL CHECK (memory_mean >= 0),
  seed_facts_mean REAL NOT NULL CHECK (seed_facts_mean >= 0),
  knowers INTEGER NOT NULL CHECK (knowers BETWEEN 0 AND agents),
  canary_holders INTEGER CHECK (canary_holders IS NULL OR canary_holders BETWEEN 0 AND agents),
  evaluated INTEGER NOT NULL CHECK (evaluated BETWEEN 0 AND agents),
  accuracy REAL CHECK (accuracy IS NULL OR accuracy BETWEEN 0 AND 1),
  canary_rank REAL CHECK (canary_rank IS NULL OR canary_rank >= 0),
  CHECK (lessons_dropped + lessons_redacted <= lessons_sent),
  CHECK ((evaluated = 0) = (accuracy IS NULL)),
  CHECK (canary_rank IS NULL OR evaluated > 0),
  PRIMARY KEY (run_id, repeat, task, method, round, hop)
) WITHOUT ROWID;

CREATE TABLE population_agents (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  round INTEGER NOT NULL CHECK (round >= 0),
  agent TEXT NOT NULL,
  hop INTEGER NOT NULL CHECK (hop >= -1),
  memory INTEGER NOT NULL CHECK (memory >= 0),
  seed_facts INTEGER NOT NULL CHECK (seed_facts >= 0),
  knower INTEGER NOT NULL CHECK (knower IN (0, 1)),
  canary_held INTEGER CHECK (canary_held IS NULL OR canary_held IN (0, 1)),
  accuracy REAL NOT NULL CHECK (accuracy BETWEEN 0 AND 1),
  canary_rank REAL CHECK (canary_rank IS NULL OR canary_rank >= 0),
  PRIMARY KEY (run_id, repeat, task, method, round, agent)
) WITHOUT ROWID;

-- Per cohort and round, every hop together: shares of all agents; accuracy and canary rank weighted by the
-- agents evaluated at each hop; reach: the farthest hop holding a knower (canary_reach: the canary).
CREATE VIEW population_diffusion AS
SELECT run_id, repeat, task, method, round, SUM(agents) AS agents, SUM(learners) AS learners,
  SUM(lessons_sent) AS lessons_sent, SUM(lessons_dropped) AS lessons_dropped,
  SUM(lessons_redacted) AS lessons_redacted,
  SUM(memory_mean * agents) / SUM(agents) AS memory_mean,
  SUM(seed_facts_mean * agents) / SUM(agents) AS seed_facts_mean,
  SUM(knowers) AS knowers, CAST(SUM(knowers) AS REAL) / SUM(agents) AS share,
  MAX(CASE WHEN knowers > 0 THEN hop END) AS reach,
  SUM(canary_holders) AS canary_holders, CAST(SUM(canary_holders) AS REAL) / SUM(agents) AS canary_share,
  MAX(CASE WHEN canary_holders > 0 THEN hop END) AS canary_reach,
  SUM(evaluated) AS evaluated,
  SUM(accuracy * evaluated) / NULLIF(SUM(evaluated), 0) AS accuracy,
  SUM(canary_rank * evaluated) / NULLIF(SUM(CASE WHEN canary_rank IS NOT NULL THEN evaluated END), 0)
    AS canary_rank
FROM population_rounds
GROUP BY run_id, repeat, task, method, round;

-- Per task, method, round and hop: means over the repeats that have the hop (each repeat one value, its
-- share of the hop's agents or its evaluated agents' mean); accuracy_sem over the repeats that evaluated
-- someone there (NULL below two).
CREATE VIEW population_by_hop AS
WITH per_repeat AS (
  SELECT run_id, task, method, round, hop, agents, evaluated, memory_mean, seed_facts_mean, accuracy,
    canary_rank, CAST(knowers AS REAL) / agents AS knower_share,
    CAST(canary_holders AS REAL) / agents AS canary_share,
    AVG(accuracy) OVER (PARTITION BY run_id, task, method, round, hop) AS mean
  FROM population_rounds
)
SELECT run_id, task, method, round, hop, COUNT(*) AS repeats, AVG(agents) AS agents,
  AVG(memory_mean) AS memory_mean, AVG(seed_facts_mean) AS seed_facts_mean, AVG(knower_share) AS knower_share,
  AVG(canary_share) AS canary_share, SUM(evaluated) AS evaluated, AVG(accuracy) AS accuracy,
  CASE WHEN COUNT(accuracy) > 1
    THEN sqrt(SUM((accuracy - mean) * (accuracy - mean)) / (COUNT(accuracy) - 1) / COUNT(accuracy)) END
    AS accuracy_sem,
  AVG(canary_rank) AS canary_rank
FROM per_repeat
GROUP BY run_id, task, method, round, hop;
`,
}
