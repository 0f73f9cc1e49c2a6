import type { Migration } from "../Migrations.js"

/** The first schema: runs, their agents, lessons, evaluations and model usage, and the analysis views. */
export const migration: Migration = {
  id: 1,
  name: "initial",
  sql: `
CREATE TABLE runs (
  id TEXT PRIMARY KEY NOT NULL,
  scenario_name TEXT NOT NULL,
  scenario_path TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  scenario_hash TEXT NOT NULL CHECK (length(scenario_hash) = 64),
  seed INTEGER NOT NULL,
  versions TEXT NOT NULL CHECK (json_valid(versions)),
  config TEXT NOT NULL CHECK (json_valid(config)),
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'stopped')),
  error TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX runs_by_started_at ON runs (started_at);

CREATE TABLE agents (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('teacher', 'student')),
  model TEXT NOT NULL,
  data_size INTEGER,
  PRIMARY KEY (run_id, agent_id)
) WITHOUT ROWID;

CREATE TABLE lessons (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  teacher TEXT NOT NULL,
  student TEXT NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  filter_action TEXT NOT NULL CHECK (filter_action IN ('allow', 'flag', 'redact', 'drop')),
  filter_detector TEXT,
  filter_reason TEXT,
  sent INTEGER NOT NULL CHECK (sent IN (0, 1)),
  chosen INTEGER NOT NULL CHECK (chosen IN (0, 1)),
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, id),
  FOREIGN KEY (run_id, teacher) REFERENCES agents (run_id, agent_id) ON DELETE CASCADE,
  FOREIGN KEY (run_id, student) REFERENCES agents (run_id, agent_id) ON DELETE CASCADE
);
-- Also the child-key indexes of the two agent foreign keys.
CREATE INDEX lessons_by_teacher ON lessons (run_id, teacher, filter_action);
CREATE INDEX lessons_by_student ON lessons (run_id, student, repeat, round);

-- Keyed by the learning_curve grouping, so the view reads one run without a scan. Rows are small, so the
-- table is clustered on its key (WITHOUT ROWID): one b-tree to write instead of two.
CREATE TABLE evaluations (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  student TEXT NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  n INTEGER NOT NULL CHECK (n >= 0),
  prompt_lessons INTEGER NOT NULL CHECK (prompt_lessons >= 0),
  metric TEXT NOT NULL,
  item_id TEXT NOT NULL,
  answer TEXT NOT NULL,
  target TEXT NOT NULL,
  score REAL NOT NULL,
  PRIMARY KEY (run_id, repeat, round, student, task, method, metric, item_id)
) WITHOUT ROWID;

CREATE TABLE model_usage (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  model TEXT NOT NULL,
  calls INTEGER NOT NULL CHECK (calls >= 0),
  prompt_tokens INTEGER NOT NULL CHECK (prompt_tokens >= 0),
  completion_tokens INTEGER NOT NULL CHECK (completion_tokens >= 0),
  PRIMARY KEY (run_id, repeat, task, method, round, agent_id, model)
) WITHOUT ROWID;

-- Every detector finding behind a filter decision: where in the checked lesson text, and a keyed hash of the
-- matched text (HMAC-SHA256 under a per-filter key), never the text itself.
CREATE TABLE filter_findings (
  run_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  detector TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('flag', 'redact', 'drop')),
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  matched_hash TEXT NOT NULL,
  reason TEXT NOT NULL,
  FOREIGN KEY (run_id, lesson_id) REFERENCES lessons (run_id, id) ON DELETE CASCADE
);
CREATE INDEX filter_findings_by_lesson ON filter_findings (run_id, lesson_id);

-- What a test item is about, for tasks whose items have a culture and topic (cultural probes).
CREATE TABLE item_labels (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task TEXT NOT NULL,
  item_id TEXT NOT NULL,
  culture TEXT NOT NULL,
  topic TEXT NOT NULL,
  PRIMARY KEY (run_id, task, item_id)
) WITHOUT ROWID;

CREATE VIEW probe_accuracy AS
SELECT e.run_id, e.repeat, e.round, e.student, l.culture, l.topic, AVG(e.score) AS accuracy, COUNT(*) AS n_items,
  e.task, e.method
FROM evaluations e JOIN item_labels l ON l.run_id = e.run_id AND l.task = e.task AND l.item_id = e.item_id
WHERE e.metric = 'accuracy'
GROUP BY e.run_id, e.repeat, e.round, e.student, e.task, e.method, l.culture, l.topic;

-- Leakage measured by the coordinator (Secret Sharer: canary rank and exposure per student).
CREATE TABLE leakage_measures (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  teacher TEXT,
  student TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX leakage_measures_by_run ON leakage_measures (run_id, metric);

-- Every leakage figure of a run: the measures above, and from the lessons table the share of each teacher's
-- generated candidates that copied a private example verbatim (dropped by the verbatim detector).
CREATE VIEW leakage AS
SELECT run_id, repeat, round, teacher, student, metric, value, task, method FROM leakage_measures
UNION ALL
SELECT run_id, repeat, round, teacher, student, 'verbatim_copy_rate', AVG(filter_detector = 'verbatim'), task, method
FROM lessons WHERE kind = 'synthetic-example'
GROUP BY run_id, repeat, round, teacher, student, task, method;

CREATE VIEW learning_curve AS
SELECT run_id, repeat, round, student, task, metric, AVG(score) AS value, COUNT(*) AS n_items, method, n,
  MIN(prompt_lessons) AS prompt_lessons
FROM evaluations
GROUP BY run_id, repeat, round, student, task, method, n, metric;

CREATE VIEW run_summary AS
SELECT
  r.id AS run_id,
  r.scenario_name,
  r.seed,
  r.status,
  r.started_at,
  r.finished_at,
  (SELECT COUNT(*) FROM agents a WHERE a.run_id = r.id AND a.role = 'teacher') AS teachers,
  (SELECT COUNT(*) FROM agents a WHERE a.run_id = r.id AND a.role = 'student') AS students,
  (SELECT COUNT(DISTINCT e.repeat) FROM evaluations e WHERE e.run_id = r.id) AS repeats,
  (SELECT MAX(e.round) FROM evaluations e WHERE e.run_id = r.id) AS last_round,
  (SELECT COUNT(*) FROM lessons l WHERE l.run_id = r.id) AS lessons,
  (SELECT COUNT(*) FROM lessons l WHERE l.run_id = r.id AND l.filter_action = 'redact') AS lessons_redacted,
  (SELECT COUNT(*) FROM lessons l WHERE l.run_id = r.id AND l.filter_action = 'drop') AS lessons_dropped,
  (SELECT COUNT(*) FROM evaluations e WHERE e.run_id = r.id) AS evaluations,
  (SELECT COALESCE(SUM(u.calls), 0) FROM model_usage u WHERE u.run_id = r.id) AS model_calls,
  (SELECT COALESCE(SUM(u.prompt_tokens), 0) FROM model_usage u WHERE u.run_id = r.id) AS prompt_tokens,
  (SELECT COALESCE(SUM(u.completion_tokens), 0) FROM model_usage u WHERE u.run_id = r.id) AS completion_tokens
FROM runs r;
`,
}
