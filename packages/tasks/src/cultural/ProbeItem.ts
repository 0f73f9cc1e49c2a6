import { Schema } from "effect"

/**
 * How a probe asks: pick one of `options`; fill the `___` blank in `question`; judge a statement true or false;
 * or answer a question freely (matched against annotators' answers, as BLEnD does).
 */
export const ProbeKind = Schema.Literal("multiple-choice", "cloze", "true-false", "short-answer")
export type ProbeKind = typeof ProbeKind.Type

/** Where a cloze question's answer goes. Loaders turn a source's own marker (GeoMLaMA's `<mask>`) into this. */
export const probeBlank = "___"

/** One annotator answer group with its vote count (BLEnD): equivalent surface forms and how many gave them. */
export const AnswerVotes = Schema.Struct({
  answers: Schema.Array(Schema.String),
  count: Schema.Number,
})
export type AnswerVotes = typeof AnswerVotes.Type

/**
 * One cultural-commonsense probe. `culture` is a lower-case id (`us`, `china`, `north-korea`); `language` is
 * the probe's language code. `answers` are the gold answers (any one is correct; GeoMLaMA lists several for
 * some prompts), `aliases` further accepted surface forms of them (demonyms, abbreviations, translations).
 * True/false probes have the answer `True` or `False`. `prompt`, when present, is the source's own prompt
 * text, used verbatim instead of Lyceum's templates (Shen et al.'s probes carry their JSON instruction).
 */
export const ProbeItem = Schema.Struct({
  id: Schema.String,
  culture: Schema.String,
  topic: Schema.String,
  language: Schema.String,
  kind: ProbeKind,
  question: Schema.String,
  /** Multiple-choice candidates, in display order; empty for other kinds. */
  options: Schema.Array(Schema.String),
  answers: Schema.Array(Schema.String),
  aliases: Schema.Array(Schema.String),
  /** Short-answer probes: every annotator answer group with its votes. */
  votes: Schema.optional(Schema.Array(AnswerVotes)),
  prompt: Schema.optional(Schema.String),
  /** Where the probe comes from: `lyceum` (built in), `geomlama`, `shen2024-qa`, `blend`, ... */
  source: Schema.String,
})
export type ProbeItem = typeof ProbeItem.Type

/** Every accepted surface form of a probe's gold: its answers, then its aliases. */
export const acceptedAnswers = (probe: ProbeItem): ReadonlyArray<string> => [
  ...probe.answers,
  ...probe.aliases,
]
