#!/usr/bin/env node
// The `lyceum` command that pnpm links into node_modules/.bin (so `npx lyceum` works from the repository root):
// runs the bundled CLI, building it first on a fresh clone where `pnpm lyceum` has not built it yet.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"

const app = fileURLToPath(new URL("..", import.meta.url))
const bundle = fileURLToPath(new URL("../dist/lyceum.js", import.meta.url))

if (!existsSync(bundle)) {
  const built = spawnSync(process.execPath, ["build.mjs"], {
    cwd: app,
    stdio: ["ignore", "ignore", "inherit"],
  })
  if (built.status !== 0 || !existsSync(bundle)) {
    process.stderr.write(
      "lyceum: the CLI is not built and building it failed; run `npx -y pnpm@12.4.2 install` in the repository root, then `npx -y pnpm@12.4.2 lyceum --help`\n",
    )
    process.exit(1)
  }
}
await import(pathToFileURL(bundle).href)
