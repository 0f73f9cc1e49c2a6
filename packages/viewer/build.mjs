// Bundles the viewer's web app (web/main.ts with Observable Plot) into dist/web/app.js and copies index.html and
// style.css beside it: `lyceum view` serves that directory as it is, so nothing is fetched from the network.
import { copyFileSync, mkdirSync, rmSync } from "node:fs"
import { build } from "esbuild"

const out = new URL("./dist/web/", import.meta.url)
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
await build({
  entryPoints: [new URL("./web/main.ts", import.meta.url).pathname],
  outfile: new URL("app.js", out).pathname,
  bundle: true,
  platform: "browser",
  target: "es2022",
  format: "esm",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
})
for (const file of ["index.html", "style.css"])
  copyFileSync(new URL(`./web/${file}`, import.meta.url), new URL(file, out))
