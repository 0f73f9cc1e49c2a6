// A lesson's text with the privacy findings' spans marked: overlapping findings split the text at every span
// boundary, and each piece is marked with every finding that covers it (detector and reason as its title).
import type { Finding } from "./Api.js"
import { h } from "./Dom.js"

export const highlighted = (text: string, findings: ReadonlyArray<Finding>): HTMLElement => {
  const spans = findings.filter((f) => f.end > f.start && f.start < text.length)
  const cuts = [
    ...new Set([
      0,
      text.length,
      ...spans.flatMap((f) => [Math.max(0, f.start), Math.min(text.length, f.end)]),
    ]),
  ].sort((a, b) => a - b)
  const pieces: Array<Node | string> = []
  for (let i = 0; i + 1 < cuts.length; i++) {
    const start = cuts[i] ?? 0
    const end = cuts[i + 1] ?? text.length
    const piece = text.slice(start, end)
    const covering = spans.filter((f) => f.start <= start && f.end >= end)
    pieces.push(
      covering.length === 0
        ? piece
        : h(
            "mark",
            {
              class: covering.map((f) => `finding-${f.detector}`).join(" "),
              title: covering.map((f) => `${f.detector} (${f.action}): ${f.reason}`).join("\n"),
              "data-testid": "finding-span",
            },
            piece,
          ),
    )
  }
  return h("pre", { class: "lesson-text", "data-testid": "lesson-text" }, ...pieces)
}
