/**
 * NATS subject names for Lyceum: every actor of a run has the address `lyceum.<run>.<kind>.<id>`, the one
 * subject its host subscribes to for it (so only that process receives its messages).
 */
import { Data, Either } from "effect"

/** Which part of a subject a token stands for; named in errors. */
export type TokenPart = "run" | "kind" | "id"

/** A run, kind or id cannot be a subject token (empty, or holds a dot, space, wildcard or slash). */
export class InvalidSubjectToken extends Data.TaggedError("InvalidSubjectToken")<{
  readonly part: TokenPart
  readonly value: string
  readonly message: string
}> {}

/** A subject that is not an actor address `lyceum.<run>.<kind>.<id>`. */
export class NotAnActorSubject extends Data.TaggedError("NotAnActorSubject")<{
  readonly subject: string
  readonly message: string
}> {}

/** The parts of an actor address. */
export interface ActorAddress {
  readonly run: string
  readonly kind: string
  readonly id: string
}

/** First token of every Lyceum subject. */
export const root = "lyceum"

/** The last token of the run's dead-letter subject; 3 tokens, so it never collides with a 4-token address. */
export const deadLetterToken = "dead-letter"

// Dots split tokens, `*` and `>` are wildcards, whitespace breaks the protocol line, and slashes and
// control characters are not allowed in JetStream stream names (which embed the run).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we reject
const forbidden = /[.*>/\\\s\u0000-\u001f\u007f]/

const describe = (char: string): string =>
  char === "."
    ? 'a "." (it separates subject tokens)'
    : char === "*" || char === ">"
      ? `a "${char}" (a subject wildcard)`
      : char === "/" || char === "\\"
        ? `a "${char}" (not allowed in stream names)`
        : "whitespace or a control character"

/** Checks one token; the error says which part is wrong and how to fix it. */
export const validateToken = (part: TokenPart, value: string): Either.Either<string, InvalidSubjectToken> => {
  if (value.length === 0) {
    return Either.left(
      new InvalidSubjectToken({ part, value, message: `Invalid ${part} for a NATS subject: it is empty` }),
    )
  }
  const match = forbidden.exec(value)
  if (match === null) return Either.right(value)
  return Either.left(
    new InvalidSubjectToken({
      part,
      value,
      message:
        `Invalid ${part} ${JSON.stringify(value)} for a NATS subject: it contains ${describe(match[0])}; ` +
        `use letters, digits, "-" or "_"`,
    }),
  )
}

/** `lyceum.<run>.<kind>.<id>`: the address of one actor. */
export const forActor = (run: string, kind: string, id: string): Either.Either<string, InvalidSubjectToken> =>
  Either.all([validateToken("run", run), validateToken("kind", kind), validateToken("id", id)]).pipe(
    Either.map(([r, k, i]) => `${root}.${r}.${k}.${i}`),
  )

/** `lyceum.<run>.>`: every subject of a run (actors and dead letters). */
export const forRun = (run: string): Either.Either<string, InvalidSubjectToken> =>
  Either.map(validateToken("run", run), (r) => `${root}.${r}.>`)

/** `lyceum.<run>.<kind>.*`: every actor of one kind in a run (e.g. a filtered JetStream consumer). */
export const forKind = (run: string, kind: string): Either.Either<string, InvalidSubjectToken> =>
  Either.all([validateToken("run", run), validateToken("kind", kind)]).pipe(
    Either.map(([r, k]) => `${root}.${r}.${k}.*`),
  )

/** `lyceum.<run>.dead-letter`: where undeliverable messages of a run go (inside the run's wildcard and stream). */
export const deadLetter = (run: string): Either.Either<string, InvalidSubjectToken> =>
  Either.map(validateToken("run", run), (r) => `${root}.${r}.${deadLetterToken}`)

/** `LYCEUM_<run>`: the JetStream stream of a run's durable messages (subjects `lyceum-durable.<run>.>`, and its dead letters). */
export const streamName = (run: string): Either.Either<string, InvalidSubjectToken> =>
  Either.map(validateToken("run", run), (r) => `LYCEUM_${r}`)

/** Splits an actor address back into run, kind and id (how a process routes what its wildcard receives). */
export const parse = (subject: string): Either.Either<ActorAddress, NotAnActorSubject> => {
  const tokens = subject.split(".")
  const [first, run, kind, id] = tokens
  if (
    tokens.length === 4 &&
    first === root &&
    run !== undefined &&
    kind !== undefined &&
    id !== undefined &&
    run !== "" &&
    kind !== "" &&
    id !== ""
  ) {
    return Either.right({ run, kind, id })
  }
  return Either.left(
    new NotAnActorSubject({
      subject,
      message: `${JSON.stringify(subject)} is not an actor subject; expected ${root}.<run>.<kind>.<id>`,
    }),
  )
}
