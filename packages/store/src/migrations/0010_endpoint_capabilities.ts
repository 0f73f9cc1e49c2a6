import type { Migration } from "../Migrations.js"

/**
 * What issue 13 records about endpoints (packages/store/README.md):
 * - `model_capabilities`: each openai model's capability probe, taken once when a run starts (before it spends
 *   anything): the score mode the scenario declared, the one the run used after the probe, each verdict (echo
 *   scoring, chat log-probabilities, n, seed) and the probe's full findings with their evidence as JSON;
 * - `lessons.ranked_by`: how a teacher ranked the samples a lesson was chosen from (`prompt-score`: the
 *   sample scored after the few-shot prompt by teacher-forcing; `generation-logprobs`: the log-probabilities the
 *   server returned while generating it); NULL where nothing was ranked;
 * - `model_usage.estimated_calls`: calls whose token counts the endpoint did not report, so they were counted
 *   with a tokenizer of the model's family (NULL on rows written before this migration: not measured).
 */
export const migration: Migration = {
  id: 10,
  name: "endpoint_capabilities",
  sql: `
CREATE TABLE model_capabilities (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  base_url TEXT NOT NULL,
  declared_score TEXT NOT NULL,
  effective_score TEXT NOT NULL,
  echo TEXT NOT NULL,
  chat_logprobs TEXT NOT NULL,
  n TEXT NOT NULL,
  seed TEXT NOT NULL,
  findings TEXT NOT NULL CHECK (json_valid(findings)),
  probed_at TEXT NOT NULL,
  PRIMARY KEY (run_id, model)
) WITHOUT ROWID;

ALTER TABLE lessons ADD COLUMN ranked_by TEXT
  CHECK (ranked_by IS NULL OR ranked_by IN ('prompt-score', 'generation-logprobs'));

ALTER TABLE model_usage ADD COLUMN estimated_calls INTEGER CHECK (estimated_calls >= 0);
`,
}
