import type { Migration } from "../Migrations.js"

/**
 * Leakage of every lesson: its normalised distance to the prompt that generated it and whether it copies a
 * private example (measured by the teacher, whatever the filter did), and an adversarial teacher's smuggling
 * attempts. The `leakage` view gains per-round averages of both and the smugglers' delivery rate.
 */
export const migration: Migration = {
  id: 2,
  name: "lesson_leakage",
  sql: `
ALTER TABLE lessons ADD COLUMN distance REAL CHECK (distance IS NULL OR (distance >= 0 AND distance <= 1));
ALTER TABLE lessons ADD COLUMN verbatim_copy INTEGER CHECK (verbatim_copy IS NULL OR verbatim_copy IN (0, 1));
ALTER TABLE lessons ADD COLUMN smuggle TEXT;
ALTER TABLE lessons ADD COLUMN smuggle_intact INTEGER
  CHECK (smuggle_intact IS NULL OR smuggle_intact IN (0, 1));

-- One row per smuggling attempt (a transform tried once by a teacher for a student in a round; a split attempt
-- is several lessons). delivered: every piece left the teacher still carrying the secret; in_prompt: every
-- piece also made it into the student's prompt.
CREATE VIEW smuggling AS
SELECT run_id, repeat, round, task, method, teacher, student, smuggle AS transform,
  COUNT(*) AS lessons,
  MAX(filter_action = 'drop') AS dropped,
  MAX(filter_action = 'redact') AS redacted,
  MIN(sent AND COALESCE(smuggle_intact, 0)) AS delivered,
  MIN(chosen AND COALESCE(smuggle_intact, 0)) AS in_prompt
FROM lessons WHERE smuggle IS NOT NULL
GROUP BY run_id, repeat, round, task, method, teacher, student, smuggle;

DROP VIEW leakage;
CREATE VIEW leakage AS
SELECT run_id, repeat, round, teacher, student, metric, value, task, method FROM leakage_measures
UNION ALL
SELECT run_id, repeat, round, teacher, student, 'verbatim_copy_rate',
  AVG(COALESCE(verbatim_copy, filter_detector = 'verbatim')), task, method
FROM lessons WHERE kind = 'synthetic-example' AND smuggle IS NULL
GROUP BY run_id, repeat, round, teacher, student, task, method
UNION ALL
SELECT run_id, repeat, round, teacher, student, 'normalized_distance', AVG(distance), task, method
FROM lessons WHERE kind = 'synthetic-example' AND smuggle IS NULL AND distance IS NOT NULL
GROUP BY run_id, repeat, round, teacher, student, task, method
UNION ALL
SELECT run_id, repeat, round, teacher, student, 'smuggle_delivery_rate', AVG(delivered), task, method
FROM smuggling
GROUP BY run_id, repeat, round, teacher, student, task, method;
`,
}
