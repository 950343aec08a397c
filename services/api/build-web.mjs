// Builds the analyst web app into dist/web: one hashed JS and CSS bundle (esbuild) and index.html.
// Type-checks it first (tsc, no emit), since esbuild only strips types.
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "dist", "web");
const tsc = path.join(here, "..", "..", "node_modules", "typescript", "bin", "tsc");

execFileSync(process.execPath, [tsc, "-p", path.join(here, "web", "tsconfig.json")], { stdio: "inherit" });
await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, "assets"), { recursive: true });
const result = await esbuild.build({
  entryPoints: { app: path.join(here, "web", "src", "main.tsx") },
  bundle: true, minify: true, sourcemap: true, format: "esm", target: "es2022",
  jsx: "automatic", jsxImportSource: "preact",
  outdir: path.join(out, "assets"), entryNames: "[name]-[hash]", metafile: true, logLevel: "warning",
});
const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
const js = outputs.find((f) => f.endsWith(".js"));
const css = outputs.find((f) => f.endsWith(".css"));
const html = (await readFile(path.join(here, "web", "src", "index.html"), "utf8")).replace("%JS%", js).replace("%CSS%", css);
await writeFile(path.join(out, "index.html"), html);
const size = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stdout.write(`web app: ${js}, ${css} (${(size / 1024).toFixed(0)} KiB with source maps)\n`);
