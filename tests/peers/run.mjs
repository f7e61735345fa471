// The peers benchmark (`cargo xtask bench peers`, which builds the page, installs this folder's
// packages and runs the native rows first): the engine's wasm builds, pica, wasm-vips and
// Chromium's own thumbnailer in one headless Chromium session, on the same 16 photos held in
// memory, medians of `repeats` batches after a warm-up batch, the rows taking turns. Prints a
// markdown table and writes target/bench/peers.json.
// Usage: node tests/peers/run.mjs --native target/bench/peers-native.json [--threads N]
//   [--repeats N] [--only id,id…]

import { readFileSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CSP, launch, serve } from "../e2e/support.mjs";
import { cpuSeconds, firstLoad } from "./measure.mjs";
import { goals, table } from "./report.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const repeats = Number(arg("repeats", 5));
const only = arg("only", null)?.split(",");
const native = JSON.parse(await readFile(resolve(ROOT, arg("native", "target/bench/peers-native.json")), "utf8"));
const threads = Number(arg("threads", native.rows.length));

/** Every browser row; `of` names the row whose throughput the scaling column divides by. */
const range = (n) => Array.from({ length: n }, (_, k) => k + 1);
const ROWS = [
  ...range(threads).map((n) => ({ id: `threaded-${n}`, label: `engine, threaded build: ${n} thread${n > 1 ? "s" : ""}`, kind: "engine", build: "threaded", n, of: "threaded-1" })),
  { id: "plain-1", label: "engine, plain build: 1 worker", kind: "engine", build: "plain", n: 1, of: "plain-1" },
  ...range(threads).map((n) => ({ id: `processes-${n}`, label: `engine, plain build: ${n} process${n > 1 ? "es" : ""}`, kind: "processes", n, of: "processes-1" })),
  { id: "pica-main", label: "pica (wasm, Lanczos3): main thread", kind: "main", peer: "pica", n: 1, of: "pica-main" },
  { id: "pica-2", label: "pica (wasm, Lanczos3): 2 workers", kind: "workers", peer: "pica", n: 2, of: "pica-main" },
  { id: "vips-1", label: "wasm-vips thumbnailBuffer: 1 worker, concurrency 1", kind: "workers", peer: "vips", n: 1, of: "vips-1" },
  { id: "vips-2", label: "wasm-vips thumbnailBuffer: 2 workers, concurrency 1", kind: "workers", peer: "vips", n: 2, of: "vips-1" },
  { id: "canvas-main", label: "Chromium createImageBitmap + OffscreenCanvas: main thread", kind: "main", peer: "canvas", n: 1, of: "canvas-main" },
  { id: "canvas-2", label: "Chromium createImageBitmap + OffscreenCanvas: 2 workers", kind: "workers", peer: "canvas", n: 2, of: "canvas-main" },
].filter((r) => !only || only.some((o) => r.id.startsWith(o)));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// The bench page and the peers' files go into the built page's folder, so that the engine's
// worker and builds are the page's own, served by the same server.
const DIST = resolve(ROOT, "dist");
const PAGE = resolve(DIST, "peers");
await mkdir(resolve(PAGE, "vendor/vips"), { recursive: true });
await cp(resolve(import.meta.dirname, "page"), PAGE, { recursive: true });
const modules = resolve(import.meta.dirname, "node_modules");
await cp(resolve(modules, "pica/dist/pica.mjs"), resolve(PAGE, "vendor/pica.mjs"));
for (const f of ["vips-es6.js", "vips.wasm"]) await cp(resolve(modules, "wasm-vips/lib", f), resolve(PAGE, "vendor/vips", f));
const photos = Array.from({ length: 16 }, (_, i) => `../samples/photos/${String(i).padStart(2, "0")}.jpg`);

// Other work on the machine takes cores from the rows that need two: recorded with the results.
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
const loadBefore = loadavg();
// wasm-vips's bindings (Emscripten's embind) build functions at run time: the page's strict
// policy plus 'unsafe-eval', for this page only.
const server = await serve({ isolated: true, csp: CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'") });
const browser = await launch();
const chromium = browser.version();
const results = [];
let load = null;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${server.url}peers/`);
  await page.waitForFunction(() => globalThis.peers);
  const prepared = await page.evaluate((p) => globalThis.peers.prepare(p), photos);
  if (!prepared.isolated) throw new Error("the bench page is not cross-origin isolated");
  console.error(`${prepared.images.length} photos in memory, ${prepared.images[0].slice(0, 2).join("×")}`);
  // Every row is started (and warmed up) first, then the timed batches go round the rows:
  // when other work on the machine comes and goes, it falls on every row alike.
  for (const row of ROWS) {
    await page.evaluate(([r, c]) => globalThis.peers.setup(r, c), [row, native.config]);
    results.push({ ...row, walls_ms: [], stages_ms: [], cpu_s: 0 });
  }
  for (let rep = 0; rep < repeats; rep++) {
    for (const r of results) {
      const cpu0 = cpuSeconds();
      const { wall, stage, byStage, out } = await page.evaluate((id) => globalThis.peers.time(id), r.id);
      r.cpu_s += cpuSeconds() - cpu0;
      r.walls_ms.push(wall);
      r.stages_ms.push(stage);
      (r.by_stage_ms ??= []).push(byStage);
      Object.assign(r, { images: out.count, png_bytes: out.bytes });
    }
    console.error(`round ${rep + 1} of ${repeats}: ${results.map((r) => `${r.id} ${r.walls_ms[rep].toFixed(0)}`).join(", ")}`);
  }
  await page.evaluate(() => globalThis.peers.teardown());
  if (errors.length) console.error("page errors:", errors);
  await page.close();
  if (!only) load = await firstLoad(browser, DIST);
} finally {
  await browser.close();
  server.close();
}

for (const r of native.rows) {
  const n = r.threads;
  results.push({ ...r, label: `engine natively (release, rayon): ${n} thread${n > 1 ? "s" : ""}`, kind: "native", n, of: "native-1" });
}
for (const r of results) {
  r.median_ms = median(r.walls_ms);
  r.per_s = r.images / (r.median_ms / 1e3);
  r.stage_ms_per_image = median(r.stages_ms) / r.images || undefined;
  r.cores_busy = r.cpu_s / (r.walls_ms.reduce((a, b) => a + b, 0) / 1e3);
}
const REFERENCE = "threaded-1";
const doc = {
  when: new Date().toISOString(),
  chromium,
  repeats,
  load_average: { before: loadBefore, after: loadavg() },
  config: native.config,
  reference: REFERENCE,
  rows: results,
  first_load: load,
  goals: goals(results, load),
};
console.log(table(doc));
await mkdir(resolve(ROOT, "target/bench"), { recursive: true });
await writeFile(resolve(ROOT, "target/bench/peers.json"), JSON.stringify(doc, null, 2));
console.log("\nwritten: target/bench/peers.json");
