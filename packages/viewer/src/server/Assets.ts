import { readFile } from "node:fs/promises"
import { extname } from "node:path"
import { fileURLToPath } from "node:url"

/** The web bundle's files: a flat directory (index.html, app.js, style.css, ...), nothing outside it. */

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
}

/** A file of `dir` by its name (no directories, no dot-files: a name cannot reach outside), or undefined. */
export const readAsset = async (
  dir: URL | string,
  name: string,
): Promise<{ readonly body: Uint8Array; readonly type: string } | undefined> => {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name)) return undefined
  const base = typeof dir === "string" ? dir : fileURLToPath(dir)
  try {
    const body = await readFile(`${base.replace(/\/$/, "")}/${name}`)
    return { body, type: TYPES[extname(name)] ?? "application/octet-stream" }
  } catch {
    return undefined
  }
}
