import { Schema } from "effect"

/**
 * One token of an address. Restricted to characters that are safe as a NATS subject token (no `.`, `*`, `>`
 * or whitespace), so a transport can map an address to a subject without escaping.
 */
const AddressToken = Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]+$/))

/**
 * Where an actor lives, independent of which process hosts it: the run it belongs to, its kind (e.g.
 * `teacher`) and its id within that kind. `ActorAddress.make({ run, kind, id })` validates the tokens.
 */
export const ActorAddress = Schema.Struct({
  run: AddressToken,
  kind: AddressToken,
  id: AddressToken,
})
export type ActorAddress = typeof ActorAddress.Type

/** `run/kind/id`: a stable string key for maps and log lines. */
export const formatAddress = (address: ActorAddress): string => `${address.run}/${address.kind}/${address.id}`
