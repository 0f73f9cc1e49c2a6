import { Schema } from "effect"

/**
 * One labelled example of a task. `input` is what the model sees before the answer, `target` the expected
 * answer; `text` renders the whole example (input followed by target) as it appears in a few-shot prompt.
 */
export class TaskItem extends Schema.Class<TaskItem>("TaskItem")({
  id: Schema.String,
  input: Schema.String,
  target: Schema.String,
}) {}
