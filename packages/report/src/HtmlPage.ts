import type { RunRow } from "@lyceum/store"
import escapeHtml from "escape-html"
import { INTERACTION_SCRIPT, INTERACTION_STYLE } from "./HtmlInteraction.js"
import type { HtmlSection } from "./KindReport.js"

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2.2rem; }
.meta { color: #555; } pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: 12.5px; }
svg.chart { display: block; margin: .8rem 0; max-width: 100%; height: auto; }
details summary { cursor: pointer; color: #555; font-size: 13px; }
${INTERACTION_STYLE}`

/** Plain text (a text table, a grid) as an HTML section's body shows it: escaped, monospaced. */
export const htmlPre = (text: string): string => `<pre>${escapeHtml(text)}</pre>`

/**
 * One self-contained HTML page for a run (no network; one small inline script for sorting tables, copying them
 * and toggling chart series): the run's heading (scenario, id, status, seed, times, scenario file and hash,
 * error) and then the kind's sections in order.
 */
export const htmlPage = (run: RunRow, sections: ReadonlyArray<HtmlSection>): string => {
  const title = `Lyceum run ${run.id}`
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(run.scenarioName)}</h1>` +
    `<p class="meta">run ${escapeHtml(run.id)} · ${escapeHtml(run.status)} · seed ${run.seed} · started ` +
    `${escapeHtml(run.startedAt)}${run.finishedAt === null ? "" : ` · finished ${escapeHtml(run.finishedAt)}`} · ` +
    `scenario ${escapeHtml(run.scenarioPath)} (sha256 ${escapeHtml(run.scenarioHash.slice(0, 12))}…)</p>` +
    (run.error === null ? "" : `<p class="meta">error: ${escapeHtml(run.error)}</p>`) +
    sections.map((s) => `<section><h2>${escapeHtml(s.title)}</h2>${s.body}</section>`).join("") +
    `<script>${INTERACTION_SCRIPT}</script></body></html>\n`
  )
}
