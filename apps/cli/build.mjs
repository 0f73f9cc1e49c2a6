// Bundles the CLI and the workspace packages it uses into one ES module; only the native addon stays external.
import { chmodSync, cpSync, existsSync, readFileSync, rmSync } from "node:fs"
import { build } from "esbuild"

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"))

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/lyceum.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external: ["better-sqlite3"],
  define: { LYCEUM_VERSION: JSON.stringify(version) },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __lyceumCreateRequire } from 'node:module'; const require = __lyceumCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
})
// Executable too: `./apps/cli/dist/lyceum.js run ...` works without naming node.
chmodSync("dist/lyceum.js", 0o755)
// `lyceum view` serves the viewer's web bundle from beside lyceum.js (turbo builds @lyceum/viewer first).
const viewerWeb = new URL("../../packages/viewer/dist/web/", import.meta.url)
rmSync("dist/viewer", { recursive: true, force: true })
if (existsSync(viewerWeb)) cpSync(viewerWeb, "dist/viewer", { recursive: true })
