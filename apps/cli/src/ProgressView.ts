import {
  ConsoleProgress,
  emptyTally,
  formatProgress,
  Progress,
  type ProgressEvent,
  type ProgressTally,
  tallyEvent,
} from "@lyceum/runner"
import { Effect, Layer } from "effect"
import { createLogUpdate } from "log-update"
import type { LogFormat } from "./LogFormat.js"
import { renderBoard } from "./ProgressViewRender.js"

/** `--progress`: how a run shows its progress on stderr. */
export const progressModes = ["auto", "live", "plain", "none"] as const
export type ProgressMode = (typeof progressModes)[number]

/**
 * `auto` is a live block on a terminal (not `TERM=dumb`), else plain lines; `--quiet` shows none. A live
 * block forced onto a pipe or file would fill it with cursor movements, so `live` asks for it explicitly.
 * With `--log-format json` stderr is for JSON lines: `auto` and `plain` become `log`, each line a log entry.
 */
export const resolveProgress = (
  mode: ProgressMode,
  quiet: boolean,
  stream: { readonly isTTY?: boolean } = process.stderr,
  env: Readonly<Record<string, string | undefined>> = process.env,
  logFormat: LogFormat = "text",
): "live" | "plain" | "log" | "none" => {
  if (quiet || mode === "none") return "none"
  if (logFormat === "json" && (mode === "auto" || mode === "plain")) return "log"
  if (mode !== "auto") return mode
  return stream.isTTY === true && env.TERM !== "dumb" ? "live" : "plain"
}

/** Progress as log entries at info level (`progress`: the event's tag), for JSON logs. */
const loggedProgress = Layer.succeed(Progress, {
  report: (event: ProgressEvent) =>
    Effect.logInfo(formatProgress(event).trim()).pipe(Effect.annotateLogs("progress", event._tag)),
})

const SHOW_CURSOR = "\u001B[?25h"
const HIDE_CURSOR = "\u001B[?25l"

type Write = NodeJS.WriteStream["write"]

export interface LiveViewOptions {
  /** Fewest milliseconds between two redraws (default 100: at most ten a second). */
  readonly minRedrawMs?: number
  /** Redraws without events, so elapsed time and ETA move (default 1000). */
  readonly tickMs?: number
  /** Other streams on the same terminal (stdout): what they write goes above the block too. */
  readonly alsoOn?: ReadonlyArray<NodeJS.WriteStream>
  readonly now?: () => number
}

/**
 * One block on `stream`, redrawn in place as events come (`renderBoard`), at most every `minRedrawMs`. While it
 * is drawn, whatever else writes to the terminal (logs, the "stopping" line of Ctrl-C) is printed above it:
 * the block is erased, the text written, the block drawn again — so nothing is overwritten or half-erased.
 * When the run finishes the block is drawn once more and left on screen; the cursor, hidden meanwhile, is
 * shown again then, on `close`, and on any exit (a second Ctrl-C quits at once).
 */
export const makeLiveView = (stream: NodeJS.WriteStream, options: LiveViewOptions = {}) => {
  const now = options.now ?? Date.now
  const minRedrawMs = options.minRedrawMs ?? 100
  const tally = emptyTally(now())
  const streams = [stream, ...(options.alsoOn ?? []).filter((other) => other !== stream)]
  const originals = new Map<NodeJS.WriteStream, Write>(streams.map((s) => [s, s.write]))
  const write = (text: string) => originals.get(stream)!.call(stream, text)
  // A pseudo-terminal without a size (e.g. under `script`) says 0 columns and 0 rows: take the usual 80×24.
  const columns = () => (stream.columns > 0 ? stream.columns : 80)
  const rows = () => (stream.rows > 0 ? stream.rows : 24)
  const draw = createLogUpdate(
    {
      write,
      get columns() {
        return columns()
      },
      get rows() {
        return rows()
      },
    } as unknown as NodeJS.WritableStream,
    { showCursor: true },
  )
  let state: "idle" | "drawing" | "done" = "idle"
  let lastDraw = 0
  let pending: ReturnType<typeof setTimeout> | undefined
  let ticker: ReturnType<typeof setInterval> | undefined
  const showCursor = () => write(SHOW_CURSOR)

  /** True while the block is erased for text from elsewhere, until it is drawn again. */
  let erased = false
  const paint = () => {
    if (state !== "drawing") return
    erased = false
    lastDraw = now()
    draw(renderBoard(tally, lastDraw, { columns: columns(), rows: rows() }))
  }
  const render = () => {
    pending = undefined
    paint()
  }
  const schedule = () => {
    if (state !== "drawing" || pending !== undefined) return
    const wait = minRedrawMs - (now() - lastDraw)
    if (wait <= 0) render()
    else pending = setTimeout(render, wait)
  }
  // Text from elsewhere goes above the block: erase it, write, draw it again once the writer is done (a log
  // entry comes in several writes: one redraw after them all).
  const patch = (target: NodeJS.WriteStream) => {
    const original = originals.get(target)!
    target.write = ((...args: Parameters<Write>) => {
      if (state !== "drawing") return original.apply(target, args)
      if (!erased) {
        erased = true
        draw.clear()
        setImmediate(paint)
      }
      return original.apply(target, args)
    }) as Write
  }
  const unpatch = () => {
    for (const [target, original] of originals) target.write = original
  }

  const start = () => {
    state = "drawing"
    write(HIDE_CURSOR)
    process.once("exit", showCursor)
    for (const target of streams) patch(target)
    ticker = setInterval(schedule, options.tickMs ?? 1000)
    ticker.unref()
  }
  /** Draws the final state, leaves it on screen, gives the terminal back. Idempotent. */
  const close = () => {
    if (state === "done") return
    if (pending !== undefined) clearTimeout(pending)
    if (ticker !== undefined) clearInterval(ticker)
    if (state === "drawing") {
      render()
      draw.done()
      showCursor()
      process.removeListener("exit", showCursor)
    }
    state = "done"
    unpatch()
  }

  return {
    tally,
    report: (event: ProgressEvent) => {
      if (state === "done") return
      tallyEvent(tally, event, now())
      if (event._tag === "RunStarted") {
        start()
        render()
      } else if (event._tag === "RunFinished") close()
      else schedule()
    },
    close,
  }
}

/** The `Progress` service for a mode: a live block (closed with the scope), plain lines, or nothing. */
export const progressLayer = (mode: "live" | "plain" | "log" | "none"): Layer.Layer<Progress> =>
  mode === "none"
    ? Progress.silent
    : mode === "plain"
      ? ConsoleProgress.layer
      : mode === "log"
        ? loggedProgress
        : Layer.scoped(
            Progress,
            Effect.map(
              Effect.acquireRelease(
                Effect.sync(() =>
                  makeLiveView(process.stderr, {
                    alsoOn: process.stdout.isTTY === true ? [process.stdout] : [],
                  }),
                ),
                (view) => Effect.sync(view.close),
              ),
              (view) => ({ report: (event: ProgressEvent) => Effect.sync(() => view.report(event)) }),
            ),
          )

/** `layer`'s Progress, with every event also added to `tally` (what `run --format json` reports of the plan). */
export const tallied = (layer: Layer.Layer<Progress>, tally: ProgressTally): Layer.Layer<Progress> =>
  Layer.effect(
    Progress,
    Effect.map(Progress, (inner) => ({
      report: (event: ProgressEvent) =>
        Effect.zipRight(
          Effect.sync(() => tallyEvent(tally, event, Date.now())),
          inner.report(event),
        ),
    })),
  ).pipe(Layer.provide(layer))
