import type { Migration } from "../Migrations.js"

/**
 * Graded answers summed per step as the store writes them (issue 16: `lyceum view` on a 1 GB database). A
 * big run's learning curve and paper tables averaged every graded answer of the run on each read (7.5M answers:
 * seconds for the curve, a minute for the tables, which sorted them). The store now keeps two sums beside
 * `evaluations`, updated in the transaction that inserts the answers (ScoreAggregates.ts):
 *
 * - `student_scores`: per (cohort, round, student, metric), the student's items: what `learning_curve` shows;
 * - `item_scores`: per (cohort, round, metric, item), the students who answered it: what the paper tables
 *   compare (an item's mean over the cohort's students).
 *
 * Each holds the sum of scores and their count, so a resumed step's later chunks add to it; the mean is
 * sum / count. Scores are 0 or 1 (every kind grades right or wrong), so the sums are exact in any order and
 * the means the same doubles `AVG(score)` gave. `n` (the lessons a round aimed for) is the same for every
 * answer of a (cohort, round): every writer takes it from the round (learning) or writes 0 (ensemble,
 * population), so the groups need not split on it. Cohort columns make resume delete a cohort's sums with its
 * answers. Existing answers are summed here, once.
 */
export const migration: Migration = {
  id: 16,
  name: "score_aggregates",
  sql: `
CREATE TABLE student_scores (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  student TEXT NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  metric TEXT NOT NULL,
  n INTEGER NOT NULL,
  prompt_lessons INTEGER NOT NULL,
  n_items INTEGER NOT NULL CHECK (n_items > 0),
  score_sum REAL NOT NULL,
  PRIMARY KEY (run_id, repeat, round, student, task, method, metric)
) WITHOUT ROWID;

CREATE TABLE item_scores (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  metric TEXT NOT NULL,
  item_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  students INTEGER NOT NULL CHECK (students > 0),
  score_sum REAL NOT NULL,
  PRIMARY KEY (run_id, repeat, round, task, method, metric, item_id)
) WITHOUT ROWID;

-- In the evaluations key order: a read of the table without a sort. Rows of a run deleted with foreign keys
-- off (see 0007) are left out.
INSERT INTO student_scores
SELECT run_id, repeat, round, student, task, method, metric, MIN(n), MIN(prompt_lessons), COUNT(*), SUM(score)
FROM evaluations WHERE run_id IN (SELECT id FROM runs) GROUP BY run_id, repeat, round, student, task, method, metric;

INSERT INTO item_scores
SELECT run_id, repeat, round, task, method, metric, item_id, MIN(n), COUNT(*), SUM(score)
FROM evaluations WHERE run_id IN (SELECT id FROM runs) GROUP BY run_id, repeat, round, task, method, metric, item_id;

-- Same columns as before; value was AVG(score) over the group's rows.
DROP VIEW learning_curve;
CREATE VIEW learning_curve AS
SELECT run_id, repeat, round, student, task, metric, CAST(score_sum AS REAL) / n_items AS value, n_items, method, n,
  prompt_lessons
FROM student_scores;
`,
}
