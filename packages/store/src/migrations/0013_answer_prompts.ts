import type { Migration } from "../Migrations.js"

/**
 * The prompt behind every graded answer (issue 16). `evaluations.prompt_hash` names the prompt an answer was
 * given to (NULL for rows written before this migration, and for answers no single prompt produced, e.g. an
 * ensemble's coalition). Prompts are stored once per run, and split where most of their bytes are shared: an
 * agent asks every test item after the same context (its lessons, its examples), so `prompt_contexts` holds
 * each context once and `prompts` the rest of each prompt (the item) with the hash of its context. A run
 * answering 100 items after one 10 KB context stores 10 KB, not 1 MB. `prompt_texts` puts them together.
 */
export const migration: Migration = {
  id: 13,
  name: "answer_prompts",
  sql: `
-- hash: the first 128 bits of the SHA-256 of text, lower-case hex. Contexts are kilobytes, so the table keeps
-- its rowid (a clustered WITHOUT ROWID table suits rows a twentieth of a page or smaller).
CREATE TABLE prompt_contexts (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  hash TEXT NOT NULL CHECK (length(hash) = 32),
  text TEXT NOT NULL,
  PRIMARY KEY (run_id, hash)
);

-- A prompt is its context's text (none when context_hash is NULL) followed by tail; hash is of the whole.
CREATE TABLE prompts (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  hash TEXT NOT NULL CHECK (length(hash) = 32),
  context_hash TEXT CHECK (context_hash IS NULL OR length(context_hash) = 32),
  tail TEXT NOT NULL,
  PRIMARY KEY (run_id, hash)
) WITHOUT ROWID;

CREATE VIEW prompt_texts AS
SELECT p.run_id, p.hash, COALESCE(c.text, '') || p.tail AS text
FROM prompts p LEFT JOIN prompt_contexts c ON c.run_id = p.run_id AND c.hash = p.context_hash;

ALTER TABLE evaluations ADD COLUMN prompt_hash TEXT;
`,
}
