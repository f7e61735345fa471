// Shared by the end-to-end tests and the benchmark: serve the built page (dist/) on loopback,
// with or without cross-origin isolation, and drive Debian's Chromium with playwright-core.
//
// Elements the tests drive or read, by data-testid:
//   run-button, cancel-button (while a run is in progress; Escape does the same), run-status,
//   notice, legend, export-trace, export-svg, export-png, export-csv, export-spans-csv (each
//   disabled until a run has finished or was cancelled), export-status (what the last export
//   saved; a PNG's data-width, data-height in px), perfetto-help, gallery, thumb,
//   thumb-error, thumb-cancelled (each thumb* with data-name: the image's file name; thumb is
//   a painted canvas), download-zip,
//   preset-<cpu|io|mixed>, preset-description, file-input,
//   dropzone, own-files, refused-files,
//   technique-<id> (data-status: waiting|running|done|failed|unavailable|cancelled),
//   wall-<id> (data-wall-us, data-end-us: the run's end on the page's clock, µs since the
//   epoch), speedup-<id>, build-<id>, timeline-<id>, rows-<id>, progress-<id>,
//   ideal-<id> (data-predicted-us, data-measured-us: the ideal schedule against the run),
//   unavailable-<id>, error-<id>, failures-<id>, cancelled-<id>, retired-<id>, toggle-<id>,
//   input-<param>,
//   explain-toggle-<id> (aria-expanded), explain-<id> (the open panel), describe-<id> (its
//   text), code-<id> (code[data-path] blocks of .line spans, .line.key marked),
//   summary (the chart), summary-<id> (data-wall-us, data-speedup, data-winner), summary-caveat,
//   summary-builds (which techniques ran another engine build than sequential, if any),
//   isolation-notice (why threads are unavailable, once at the top), copy-link,
//   copy-link-status, copy-link-field (the link, selected, where the clipboard refused),
//   embed-button, embed-dialog, embed-snippet (the <iframe> text), embed-size, embed-autorun,
//   embed-copy, embed-status, embed-close; in the embed layout (?embed=1): embed,
//   embed-preset, open-full, explain-close (and the card ids above on its compact rows),
//   isolation-status (data-state: installing|ready|refused; only on a host that sends no
//   isolation headers, while threads wait for the service worker — with its reload button),
//   efficiency-<id>, switches-<id> (data-count: context switches and lock hand-offs in all,
//   data-after-io-us: mean wait for the lock after a fetch,
//   data-handoffs), contrast (cooperative against a parallel run), primer,
//   presenter-enter, presenter (presenter mode), presenter-step (data-step), presenter-title,
//   presenter-leave,
//   import-trace (file input: open a recording), import-error, recording-banner (data-recorded,
//   data-cores, data-isolated, data-builds), leave-recording, export-thumbs (checkbox: save
//   thumbnails in the trace), thumb-unsaved (a thumbnail the recording did not carry),
//   (with repeats: wall-<id> data-wall-us is the median of the complete runs, with data-runs,
//   data-min-us, data-max-us; summary-<id> data-min-us, data-max-us; timeline-<id> data-wall-us
//   is the run shown; progress-<id> data-run: which run, from 1), repeats-<id> (data-runs,
//   data-shown: from 1),
//   repeat-<id>-<k> (k from 1; data-wall-us, aria-pressed, class cancelled; disabled until run),
//   frame-gap-<id> (data-ms: the longest main-thread frame gap, data-dropped, data-long-tasks),
//   memory-<id> (data-bytes: peak wasm memory, data-end-bytes, data-instances,
//   data-largest-bytes), predicted-<id> (data-us: the ideal schedule's wall),
//   scaling (the N sweep's panel), sweep-run (its button), sweep-progress (data-done,
//   data-total), amdahl-chart (data-points, data-max-n, data-cores), sweep-point-<id>-<n>
//   (data-workers, data-speedup, data-wall-us, data-oversubscribed), serial-fraction (data-value
//   0–1, data-min, data-max: the first swept technique's), serial-fraction-<id> (data-value),
//   sweep-skipped-<id> (why a technique was not swept), sweep-io-bound,
//   in the embed layout over a recording (?embed=1&trace=…): recording-banner (one line, the
//   same data-* as the full page's), leave-recording and import-error,
//   input-yield, input-rows, input-interval (the granularity knob), granularity-note,
// where <id> is sequential, sequential-main, threads, gil, cooperative or processes.
// and the document root's data-run-state: idle|running|done|failed|cancelled, and data-coi
// (www/coi.js: isolated|installing|ready|refused|off|framed|unsupported).

import assert from "node:assert/strict";
import { before, after } from "node:test";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const DIST = resolve(import.meta.dirname, "../../dist");
/** The strict Content Security Policy the page is built to work under: `trunk serve`'s (Trunk.toml). */
export const CSP = (await readFile(resolve(import.meta.dirname, "../../Trunk.toml"), "utf8")).match(
  /"Content-Security-Policy" = "([^"]+)"/,
)[1];
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".jpg": "image/jpeg",
};

/** Serves dist/ on 127.0.0.1 under the strict CSP (or the policy `csp`); `isolated` adds the
 * COOP/COEP headers that shared memory needs; `bare` sends no header but the content type, as a
 * static host that cannot set headers does; `folder` serves the site from that folder; `files`
 * maps more paths (e.g. "/rec.json") to files to serve from elsewhere. */
export async function serve({ isolated, csp = CSP, bare = false, folder = "/", files = {} }) {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    const at = new URL(req.url, "http://x").pathname;
    if (!at.startsWith(folder)) return void res.writeHead(404).end("not found");
    const path = normalize(decodeURIComponent("/" + at.slice(folder.length)));
    const file = files[path] ?? join(DIST, path.endsWith("/") ? path + "index.html" : path);
    if (!files[path] && !file.startsWith(DIST)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      const headers = {
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        // On every response, as static hosts send it: workers take their policy from their script's.
        "Content-Security-Policy": csp,
      };
      if (isolated) {
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
        // As Trunk.toml's serve headers: isolation even where COOP cannot give it (Chromium 137+).
        headers["Document-Isolation-Policy"] = "isolate-and-require-corp";
      }
      if (bare) for (const name of Object.keys(headers)) if (name !== "Content-Type") delete headers[name];
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}${folder}`, requests, close: () => server.close() };
}

/** Headless Chromium with the flags that work on a machine without internet. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // playwright gives every launch a fresh, throwaway profile of its own.
  });
}

/** One headless Chromium for a test file's tests, launched before them and closed after:
 * read it as `.browser` inside a test. */
export function browserForFile() {
  const shared = { browser: null };
  before(async () => {
    shared.browser = await launch();
  });
  after(async () => {
    await shared.browser?.close();
  });
  return shared;
}

/** Serves dist/ (`options` as for `serve`), opens `path` (a query or path after the served
 * URL) in a fresh page, runs `body({ page, errors, server })` and returns what it returns;
 * the page and the server are closed whatever happens. */
export async function withPage(browser, options, path, body) {
  const server = await serve(options);
  let opened;
  try {
    opened = await open(browser, server.url + path);
    return await body({ ...opened, server });
  } finally {
    await opened?.page.close();
    server.close();
  }
}

/** Runs `query` to the end on a cross-origin isolated page and exports its trace: returns the
 * file's bytes and what `read(page)` read of the live page just before. */
export async function recordRun(browser, query, read = async () => null) {
  return withPage(browser, { isolated: true }, `?${query}`, async ({ page, errors }) => {
    await page.getByTestId("run-button").click();
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    const live = await read(page);
    const bytes = await download(page, "export-trace");
    assert.deepEqual(errors, []);
    return { live, bytes };
  });
}

/** A page on another origin (another loopback port), sent without isolation headers, that
 * frames `src` at `width`×`height` (as a slide does); `url` and `close`. */
export async function framingPage(src, width = 960, height = 540) {
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(
      `<!doctype html><title>Slides</title><body style="margin:0">` +
        `<iframe src="${src.replace(/&/g, "&amp;")}" width="${width}" height="${height}" allow="cross-origin-isolated" style="border:0"></iframe>`,
    );
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** Asserts that the document and body of `page` (a page or a frame) scroll exactly its
 * viewport — no scrollbar anywhere — and that each `technique-<id>` of `ids` is inside it. */
export async function assertFits(page, ids, what) {
  const sizes = await page.evaluate(() => ({
    view: [innerWidth, innerHeight],
    doc: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
    body: [document.body.scrollWidth, document.body.scrollHeight],
  }));
  assert.deepEqual(sizes.doc, sizes.view, `${what}: document scrolls`);
  assert.deepEqual(sizes.body, sizes.view, `${what}: body scrolls`);
  for (const id of ids) {
    const box = await page.getByTestId(`technique-${id}`).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= sizes.view[1] + 0.5, `${what}: ${id} at ${JSON.stringify(box)}`);
  }
}

/** A page that records console errors and uncaught exceptions. */
export async function open(browser, url) {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors };
}

/** Waits until every technique has settled; returns "done" or "failed". */
export async function settled(page, timeout = 240_000) {
  await page.waitForFunction(
    () => ["done", "failed"].includes(document.documentElement.dataset.runState),
    null,
    { timeout, polling: 100 },
  );
  return page.evaluate(() => document.documentElement.dataset.runState);
}

/** Clicks the button with `testId` and returns the bytes of the file it downloads. */
export async function download(page, testId) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
  return readFile(await file.path());
}

/** Clicks the export button and parses the Chrome trace it downloads. */
export async function exportTrace(page) {
  return JSON.parse((await download(page, "export-trace")).toString("utf8"));
}

/** The complete events of one technique's process in an exported trace, by process name. */
export function spansOf(trace, processName) {
  const meta = trace.traceEvents.find(
    (e) => e.ph === "M" && e.name === "process_name" && e.args.name === processName,
  );
  if (!meta) return null;
  const mine = trace.traceEvents.filter((e) => e.pid === meta.pid);
  // Waits that overlap others on one lane are exported as async slices (b/e with one id2 per
  // task), which Perfetto keeps where it would drop overlapping complete events: pair them up.
  const open = new Map();
  const slices = [];
  for (const e of mine) {
    const key = `${JSON.stringify(e.id2)}/${e.cat}/${e.name}`;
    if (e.ph === "b") open.set(key, [...(open.get(key) ?? []), e]);
    else if (e.ph === "e") {
      const b = open.get(key)?.pop();
      if (b) slices.push({ ...b, ph: "X", dur: e.ts - b.ts });
    }
  }
  return [...mine.filter((e) => e.ph === "X"), ...slices];
}

/** Spans of tasks (not process start-up) in `state`, optionally of some stages only. */
export function taskSpans(spans, state, stages = null) {
  return spans.filter(
    (s) => s.args.task !== undefined && s.args.state === state && (!stages || stages.includes(s.args.stage)),
  );
}

/**
 * The first two spans that overlap in time by more than `slackUs` (touching is not
 * overlapping), or null. Spans from different workers need a slack: each worker's clock is
 * aligned to one origin but rounds on its own (5 µs isolated, 100 µs not).
 */
export function anyOverlap(spans, slackUs = 0) {
  const s = [...spans].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < s.length; i++)
    for (let j = i + 1; j < s.length && s[j].ts < s[i].ts + s[i].dur - slackUs; j++) return [s[i], s[j]];
  return null;
}

/** The most spans in progress at one instant. */
export function mostAtOnce(spans) {
  const edges = spans.flatMap((s) => [[s.ts, 1], [s.ts + s.dur, -1]]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (now += d));
  return most;
}
