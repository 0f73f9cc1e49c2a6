import { stripVTControlCharacters } from "node:util"
import { Console, Effect, Layer, Logger } from "effect"
import { jsonLoggerLayer, type LogFormat } from "./LogFormat.js"

/**
 * Whether a stream may carry ANSI colour: only a terminal, and never when `NO_COLOR` is set to anything but the
 * empty string (no-color.org) or the terminal is `dumb`. Piped output (`| less`, `> file`, CI logs) is plain.
 */
export const colorEnabled = (
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean =>
  stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb"

const plain = (args: ReadonlyArray<unknown>) =>
  args.map((arg) => (typeof arg === "string" ? stripVTControlCharacters(arg) : arg))

/**
 * Effect's default console with ANSI escapes removed from what goes to a stream that may not carry colour.
 * @effect/cli renders its help and usage errors with colour unconditionally; this is where that stops.
 */
export const terminalConsole = (base: Console.Console, colors: { stdout: boolean; stderr: boolean }) => {
  const out = (write: (...args: ReadonlyArray<unknown>) => void, keep: boolean) =>
    keep ? write : (...args: ReadonlyArray<unknown>) => write(...plain(args))
  const unsafe: Console.UnsafeConsole = {
    ...base.unsafe,
    log: out(base.unsafe.log, colors.stdout),
    info: out(base.unsafe.info, colors.stdout),
    debug: out(base.unsafe.debug, colors.stdout),
    error: out(base.unsafe.error, colors.stderr),
    warn: out(base.unsafe.warn, colors.stderr),
  }
  const lift =
    (write: (...args: ReadonlyArray<unknown>) => void) =>
    (...args: ReadonlyArray<unknown>) =>
      Effect.sync(() => write(...args))
  return {
    ...base,
    unsafe,
    log: lift(unsafe.log),
    info: lift(unsafe.info),
    debug: lift(unsafe.debug),
    error: lift(unsafe.error),
    warn: lift(unsafe.warn),
  } satisfies Console.Console
}

/**
 * Logs go to stderr, so stdout carries only results (`report --format json | jq` stays valid), in colour only
 * where stderr may carry it. The level is `--log-level` (default info), which @effect/cli applies.
 */
export const stderrLogger = (colors: boolean): Layer.Layer<never> =>
  Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true, colors, mode: "tty" }))

/** Everything a process's terminal needs: plain or coloured console, logs on stderr (text, or JSON lines). */
export const terminalLayer = (
  base: Console.Console,
  streams: { stdout: { isTTY?: boolean }; stderr: { isTTY?: boolean } } = process,
  logFormat: LogFormat = "text",
): Layer.Layer<never> => {
  const colors = { stdout: colorEnabled(streams.stdout), stderr: colorEnabled(streams.stderr) }
  return Layer.merge(
    Console.setConsole(terminalConsole(base, colors)),
    logFormat === "json" ? jsonLoggerLayer : stderrLogger(colors.stderr),
  )
}
