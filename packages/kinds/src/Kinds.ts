import type { AnyKind } from "@lyceum/coalition"
import { loadScenarioWith, parseScenarioWith } from "@lyceum/scenario"
import { Data, Effect } from "effect"
import { kinds } from "./Registry.js"

/** A kind this Lyceum does not know: a run stored by a newer Lyceum, or a mistyped name. */
export class UnknownKind extends Data.TaggedError("UnknownKind")<{
  readonly kind: string
  readonly known: ReadonlyArray<AnyKind>
}> {
  override get message() {
    return (
      `unknown coalition kind "${this.kind}" (this Lyceum knows: ${this.known.map((k) => k.name).join(", ")}); ` +
      "a run stored by a newer Lyceum needs that version to be played or reported"
    )
  }
}

/** The kind named `name` among `known` (the registry unless a caller, such as a test, adds its own). */
export const findKind = (name: string, known: ReadonlyArray<AnyKind> = kinds): AnyKind | undefined =>
  known.find((k) => k.name === name)

/** The kind named `name`, or `UnknownKind`. */
export const kindNamed = (
  name: string,
  known: ReadonlyArray<AnyKind> = kinds,
): Effect.Effect<AnyKind, UnknownKind> => {
  const kind = findKind(name, known)
  return kind === undefined ? Effect.fail(new UnknownKind({ kind: name, known })) : Effect.succeed(kind)
}

/** Parses scenario text with every registered kind's Schema (`kind:` picks one; social-learning by default). */
export const parseScenario = parseScenarioWith(kinds)

/** Reads and validates a scenario file with every registered kind's Schema. */
export const loadScenario = loadScenarioWith(kinds)
