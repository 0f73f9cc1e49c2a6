import type { Migration } from "../Migrations.js"

/**
 * The prompt behind every graded answer (issue 16): `prompts` holds each distinct prompt text of a run once,
 * keyed by a hash of it, and `evaluations.prompt_hash` names the prompt its answer was given to (NULL for rows
 * written before this migration, and for answers no single prompt produced, e.g. an ensemble's coalition).
 * A prompt is shared by many rows (every student of round 0, agents holding the same lessons), so it is
 * stored once per run. Prompts are kilobytes, so the table keeps its rowid (a clustered WITHOUT ROWID table
 * suits rows a twentieth of a page or smaller); its key is the index the viewer's join uses.
 */
export const migration: Migration = {
  id: 13,
  name: "answer_prompts",
  sql: `
-- hash: the first 128 bits of the SHA-256 of text, lower-case hex (32 characters).
CREATE TABLE prompts (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  hash TEXT NOT NULL CHECK (length(hash) = 32),
  text TEXT NOT NULL,
  PRIMARY KEY (run_id, hash)
);

ALTER TABLE evaluations ADD COLUMN prompt_hash TEXT;
`,
}
