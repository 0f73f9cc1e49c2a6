import { Schema } from "effect"
import type { Message } from "../Actor.js"

/** The Schema a request's reply is encoded with: its success or its failure Schema. */
export const resultSchema = (
  message: Message,
  outcome: "success" | "failure",
): Schema.Schema<unknown, unknown> => {
  const schemas = (message as unknown as Schema.WithResult<unknown, unknown, unknown, unknown, never>)[
    Schema.symbolWithResult
  ]
  return outcome === "success" ? schemas.success : schemas.failure
}
