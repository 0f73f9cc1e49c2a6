import type { Migration } from "../Migrations.js"

/**
 * Generic coalition records: a run's kind, agents of any role (with their kind), messages between agents with
 * the privacy filter's decision, and `cohort_steps`, one row per stored step, from which resume reads which
 * cohorts are finished (backfilled from the evaluated rounds of older runs).
 *
 * `agents` loses its CHECK on role, which needs a rebuild. The store runs with foreign keys ON (they cannot be
 * switched off inside the migration's transaction), and dropping a parent table then deletes its rows with
 * their cascades: dropping the old `agents` would delete every lesson, and dropping `lessons` every finding.
 * So the chain agents <- lessons <- filter_findings is rebuilt as new tables that reference each other, the old
 * ones are dropped children first (nothing references them any more, so no cascade fires), and the new ones
 * are renamed. With foreign keys ON, a rename rewrites the REFERENCES of the tables that point at it;
 * `legacy_alter_table` keeps the rename from re-parsing the views, which name tables dropped mid-way (they
 * resolve again once the renames are done). Rowids are copied, so rows keep their order. Rows left behind by a
 * run deleted with foreign keys off (agents of no run, their lessons and findings) cannot be copied under
 * enforced keys and are left out: they belonged to a deleted run.
 */
export const migration: Migration = {
  id: 7,
  name: "coalitions",
  sql: `
PRAGMA legacy_alter_table = ON;

ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'social-learning' CHECK (kind <> '');

CREATE TABLE agents_new (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role <> ''),
  model TEXT NOT NULL,
  data_size INTEGER,
  kind TEXT NOT NULL CHECK (kind <> ''),
  PRIMARY KEY (run_id, agent_id)
) WITHOUT ROWID;
INSERT INTO agents_new (run_id, agent_id, role, model, data_size, kind)
SELECT run_id, agent_id, role, model, data_size, 'social-learning' FROM agents
WHERE run_id IN (SELECT id FROM runs);

CREATE TABLE lessons_new (
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
  distance REAL CHECK (distance IS NULL OR (distance >= 0 AND distance <= 1)),
  verbatim_copy INTEGER CHECK (verbatim_copy IS NULL OR verbatim_copy IN (0, 1)),
  smuggle TEXT,
  smuggle_intact INTEGER CHECK (smuggle_intact IS NULL OR smuggle_intact IN (0, 1)),
  PRIMARY KEY (run_id, id),
  FOREIGN KEY (run_id, teacher) REFERENCES agents_new (run_id, agent_id) ON DELETE CASCADE,
  FOREIGN KEY (run_id, student) REFERENCES agents_new (run_id, agent_id) ON DELETE CASCADE
);
INSERT INTO lessons_new (rowid, run_id, id, repeat, round, teacher, student, task, method, kind, text,
  filter_action, filter_detector, filter_reason, sent, chosen, created_at, distance, verbatim_copy, smuggle,
  smuggle_intact)
SELECT rowid, run_id, id, repeat, round, teacher, student, task, method, kind, text, filter_action,
  filter_detector, filter_reason, sent, chosen, created_at, distance, verbatim_copy, smuggle, smuggle_intact
FROM lessons AS l
WHERE EXISTS (SELECT 1 FROM agents_new AS a WHERE a.run_id = l.run_id AND a.agent_id = l.teacher)
  AND EXISTS (SELECT 1 FROM agents_new AS a WHERE a.run_id = l.run_id AND a.agent_id = l.student);

CREATE TABLE filter_findings_new (
  run_id TEXT NOT NULL,
  lesson_id TEXT NOT NULL,
  detector TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('flag', 'redact', 'drop')),
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  matched_hash TEXT NOT NULL,
  reason TEXT NOT NULL,
  FOREIGN KEY (run_id, lesson_id) REFERENCES lessons_new (run_id, id) ON DELETE CASCADE
);
INSERT INTO filter_findings_new (rowid, run_id, lesson_id, detector, action, start, "end", matched_hash, reason)
SELECT rowid, run_id, lesson_id, detector, action, start, "end", matched_hash, reason FROM filter_findings AS f
WHERE EXISTS (SELECT 1 FROM lessons_new AS l WHERE l.run_id = f.run_id AND l.id = f.lesson_id);

DROP TABLE filter_findings;
DROP TABLE lessons;
DROP TABLE agents;
ALTER TABLE agents_new RENAME TO agents;
ALTER TABLE lessons_new RENAME TO lessons;
ALTER TABLE filter_findings_new RENAME TO filter_findings;
CREATE INDEX lessons_by_teacher ON lessons (run_id, teacher, filter_action);
CREATE INDEX lessons_by_student ON lessons (run_id, student, repeat, round);
CREATE INDEX filter_findings_by_lesson ON filter_findings (run_id, lesson_id);

PRAGMA legacy_alter_table = OFF;

-- Text one agent sent another, with the privacy filter's decision when the sender holds private data (NULL
-- when no filter stood between them). Social learning's lessons stay in their own table; agent_messages
-- reads both.
CREATE TABLE messages (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  round INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  sender TEXT NOT NULL,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind <> ''),
  text TEXT NOT NULL,
  filter_action TEXT CHECK (filter_action IS NULL OR filter_action IN ('allow', 'flag', 'redact', 'drop')),
  filter_detector TEXT,
  filter_reason TEXT,
  sent INTEGER NOT NULL CHECK (sent IN (0, 1)),
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, id)
);
CREATE INDEX messages_by_cohort ON messages (run_id, repeat, task, method, round);

CREATE VIEW agent_messages AS
SELECT run_id, id, repeat, round, task, method, teacher AS sender, student AS recipient, kind, text,
  filter_action, filter_detector, filter_reason, sent, created_at
FROM lessons
UNION ALL
SELECT run_id, id, repeat, round, task, method, sender, recipient, kind, text, filter_action, filter_detector,
  filter_reason, sent, created_at
FROM messages;

-- One row per stored step of a cohort, written in the step's own transaction: a cohort is finished when all
-- its steps have a row. finished_at is NULL for the rows backfilled here (older runs did not record it).
CREATE TABLE cohort_steps (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  repeat INTEGER NOT NULL,
  task TEXT NOT NULL,
  method TEXT NOT NULL,
  step INTEGER NOT NULL CHECK (step >= 0),
  finished_at TEXT,
  PRIMARY KEY (run_id, repeat, task, method, step)
) WITHOUT ROWID;
INSERT INTO cohort_steps (run_id, repeat, task, method, step, finished_at)
SELECT DISTINCT run_id, repeat, task, method, round, NULL FROM evaluations WHERE run_id IN (SELECT id FROM runs);
`,
}
