import { TaskItem } from "@lyceum/core"
import { joinContext, type Task } from "../Task.js"
import { answerText } from "./AnswerText.js"
import { gradeProbe, matchesAccepted, parseTrueFalse } from "./ProbeGrading.js"
import type { ProbeItem, ProbeKind } from "./ProbeItem.js"
import { answerCue, type ProbeAnswerFormat, renderProbe } from "./ProbeRendering.js"

/** What the metrics and reports need to know about a probe item besides whether it was answered correctly. */
export interface ProbeMetadata {
  readonly culture: string
  readonly topic: string
  readonly kind: ProbeKind
  readonly language: string
  readonly source: string
}

/** A `Task` over cultural probes: items are probes, graded by `gradeProbe`, with per-item metadata. */
export interface ProbeTask extends Task {
  readonly format: ProbeAnswerFormat
  readonly probes: ReadonlyArray<ProbeItem>
  /** The probe behind a task item id. */
  readonly probe: (itemId: string) => ProbeItem | undefined
  /** Culture, topic, kind, language and source of a task item id (for per-culture and per-topic accuracy). */
  readonly metadata: (itemId: string) => ProbeMetadata | undefined
  /** The task item for a probe: its id, and `renderProbe`'s input and target. */
  readonly toItem: (probe: ProbeItem) => TaskItem
}

export interface ProbeTaskOptions {
  readonly probes: ReadonlyArray<ProbeItem>
  /** Default `cultural-probes` (`cultural-probes-json` in json format). */
  readonly name?: string
  readonly format?: ProbeAnswerFormat
}

const headers = ["Question: ", "Fill in the blank: ", "True or false: "]
const optionLine = /^[A-Z]\. \S/

/** A well-formed `...\nAnswer: <gold>` example: a known header, and a gold that fits the question's form. */
const parseCued = (text: string): TaskItem | undefined => {
  const at = text.lastIndexOf(answerCue)
  if (at < 0) return undefined
  const input = text.slice(0, at + answerCue.length)
  const target = text.slice(at + answerCue.length)
  const gold = answerText(target)
  if (!target.startsWith(" ") || gold.length === 0 || target.includes("\n")) return undefined
  if (!headers.some((header) => input.startsWith(header) && input.length > header.length + 1))
    return undefined
  if (input.startsWith("True or false: ") && parseTrueFalse(gold) === undefined) return undefined
  const options = input.split("\n").filter((line) => optionLine.test(line)).length
  if (options > 0 && /^[A-Z]$/.test(gold) && gold.charCodeAt(0) - 65 >= options) return undefined
  return new TaskItem({ id: "parsed", input, target })
}

/** A single-sentence example (a continuation cloze or a fact statement): the last word is the target. */
const parseSentence = (text: string): TaskItem | undefined => {
  if (text.includes("\n") || !/[.!?]$/.test(text)) return undefined
  const at = text.lastIndexOf(" ")
  if (at < 0 || text.slice(0, at).split(" ").length < 3) return undefined
  return new TaskItem({ id: "parsed", input: text.slice(0, at), target: text.slice(at) })
}

/**
 * The probe task. `examples()` are the probes as task items, in order; `render` is input + target; `prompt`
 * puts a learned context before the item's input; `grade` uses the probe's answers and aliases (for items it
 * does not know, such as parsed ones, it compares the answer with the target); `parse` accepts rendered
 * probes and well-formed generated ones (a cued question with a fitting answer, or a single fact sentence).
 * Probe ids must be unique.
 */
export const makeProbeTask = (options: ProbeTaskOptions): ProbeTask => {
  const format = options.format ?? "plain"
  const byId = new Map<string, ProbeItem>()
  for (const probe of options.probes) {
    if (byId.has(probe.id)) throw new Error(`duplicate probe id ${probe.id}`)
    byId.set(probe.id, probe)
  }
  const toItem = (probe: ProbeItem): TaskItem => new TaskItem({ id: probe.id, ...renderProbe(probe, format) })
  let items: ReadonlyArray<TaskItem> | undefined
  let rendered: ReadonlyMap<string, TaskItem> | undefined
  const examples = () => {
    items ??= options.probes.map(toItem)
    return items
  }
  const separator = "\n\n"
  return {
    name: options.name ?? (format === "plain" ? "cultural-probes" : "cultural-probes-json"),
    format,
    probes: options.probes,
    probe: (itemId) => byId.get(itemId),
    metadata: (itemId) => {
      const probe = byId.get(itemId)
      return probe === undefined ? undefined : metadataOf(probe)
    },
    toItem,
    examples,
    render: (item) => item.input + item.target,
    prompt: (item, context) => joinContext(separator, item.input, context),
    grade: (answer, item) => {
      const probe = byId.get(item.id)
      if (probe !== undefined) return gradeProbe(probe, answer)
      return matchesAccepted(answerText(answer), [answerText(item.target)], { prefix: true })
    },
    parse: (text) => {
      const trimmed = text.trim()
      rendered ??= new Map(examples().map((item) => [item.input + item.target, item]))
      return rendered.get(trimmed) ?? parseCued(trimmed) ?? parseSentence(trimmed)
    },
    separator,
    stop: ["\n"],
  }
}

const metadataOf = (probe: ProbeItem): ProbeMetadata => ({
  culture: probe.culture,
  topic: probe.topic,
  kind: probe.kind,
  language: probe.language,
  source: probe.source,
})
