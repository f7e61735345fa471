// The exports of a run, end to end under the strict CSP: the timeline as SVG and PNG, the
// results and spans as CSV, each checked against the Chrome trace or the page's own figures.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled, download, exportTrace } from "./support.mjs";

const TECHNIQUES = ["sequential", "threads", "cooperative", "processes"];
const QUERY = `repeats=1&set=small&images=4&thumb=128&effort=fast&threads=2&techniques=${TECHNIQUES.join(",")}`;
const BUTTONS = ["export-trace", "export-svg", "export-png", "export-csv", "export-spans-csv"];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A page that records CSP violations as well as console errors. */
async function openWatched(server, query) {
  const { page, errors } = await open(browser, "about:blank");
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(`${server.url}?${query}`);
  return { page, errors, requests };
}

/** Task spans per process id of a Chrome trace: complete events on a lane, plus async waits. */
function taskSpansByPid(trace) {
  const counts = new Map();
  for (const e of trace.traceEvents)
    if ((e.ph === "X" || e.ph === "b") && e.args?.task !== undefined) counts.set(e.pid, (counts.get(e.pid) ?? 0) + 1);
  return counts;
}

/** RFC 4180 records, for the fields these tests write (no line breaks inside quotes). */
function csvRows(text) {
  assert.ok(text.endsWith("\r\n"), "records end in CRLF");
  return text
    .slice(0, -2)
    .split("\r\n")
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]));
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], PNG_SIGNATURE, "PNG signature");
  assert.equal(bytes.subarray(12, 16).toString("latin1"), "IHDR", "IHDR first");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test("SVG, PNG and CSV exports match the trace and the page's figures", async () => {
  const server = await serve({ isolated: true });
  const { page, errors, requests } = await openWatched(server, QUERY);
  try {
    for (const id of BUTTONS) assert.ok(await page.getByTestId(id).isDisabled(), `${id} before a run`);
    await page.getByTestId("run-button").click();
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    for (const id of BUTTONS) assert.ok(await page.getByTestId(id).isEnabled(), `${id} after the run`);

    const trace = await exportTrace(page);
    const perPid = taskSpansByPid(trace);
    const pids = trace.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name").map((e) => e.pid);
    assert.equal(pids.length, TECHNIQUES.length);

    // SVG: parsed as XML by the browser itself; one span rect per span of the trace, per run.
    const svgText = (await download(page, "export-svg")).toString("utf8");
    const svg = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName("parsererror").length,
        root: root.localName,
        width: Number(root.getAttribute("width")),
        height: Number(root.getAttribute("height")),
        viewBox: root.getAttribute("viewBox"),
        runs: [...root.querySelectorAll("g.run")].map((g) => [
          g.getAttribute("data-technique"),
          g.querySelectorAll("rect.span").length,
        ]),
        spans: root.querySelectorAll("rect.span").length,
        linked: root.querySelectorAll("image, use, [href]").length,
      };
    }, svgText);
    assert.equal(svg.error, 0, "well-formed XML");
    assert.equal(svg.root, "svg");
    assert.ok(svg.width > 0 && svg.height > 0);
    assert.equal(svg.viewBox, `0 0 ${svg.width} ${svg.height}`);
    assert.equal(svg.linked, 0, "self-contained");
    assert.deepEqual(svg.runs.map(([id]) => id), TECHNIQUES);
    assert.deepEqual(svg.runs.map(([, n]) => n), pids.map((pid) => perPid.get(pid)), "one rect per span, per run");
    assert.equal(svg.spans, [...perPid.values()].reduce((a, b) => a + b, 0));

    // PNG: a real PNG, the size the page says, at least the SVG's, and painted.
    const png = await download(page, "export-png");
    const { width, height } = pngSize(png);
    const status = page.getByTestId("export-status");
    await status.waitFor();
    assert.equal(Number(await status.getAttribute("data-width")), width);
    assert.equal(Number(await status.getAttribute("data-height")), height);
    assert.ok(width >= svg.width && height >= svg.height, `${width}×${height} vs ${svg.width}×${svg.height}`);
    const pixels = await page.evaluate(async (bytes) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: "image/png" }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext("2d");
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      let decode = 0;
      let white = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 0x4e && data[i + 1] === 0x79 && data[i + 2] === 0xa7) decode++;
        if (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255) white++;
      }
      return { decode, white, total: data.length / 4 };
    }, [...png]);
    assert.ok(pixels.decode > 100, `decode's colour is painted: ${pixels.decode} px`);
    assert.ok(pixels.white < pixels.total, "not blank");

    // Results CSV: the header, one row per technique, wall times as on the cards.
    const rows = csvRows((await download(page, "export-csv")).toString("utf8"));
    assert.deepEqual(rows[0].slice(0, 10), [
      "run", "technique", "label", "build", "lanes", "tasks", "succeeded", "failed", "cancelled", "wall_ms",
    ]);
    assert.equal(rows[0].length, 29, "the columns of RESULTS_HEADER (crate/src/trace/csv.rs)");
    const body = rows.slice(1);
    assert.deepEqual(body.map((r) => r[1]), TECHNIQUES, "one row per technique, in page order");
    const col = (name) => rows[0].indexOf(name);
    for (const row of body) {
      const id = row[col("technique")];
      const wallUs = Number(await page.getByTestId(`wall-${id}`).getAttribute("data-wall-us"));
      const csvUs = Number(row[col("wall_ms")]) * 1000;
      assert.ok(Math.abs(csvUs - wallUs) <= 1, `${id}: ${csvUs} µs in the CSV, ${wallUs} µs on the page`);
      assert.equal(row[col("tasks")], "4", id);
      assert.equal(row[col("succeeded")], "4", id);
      // The main thread's frames and the wasm memory while it ran, as the card shows them.
      const gap = page.getByTestId(`frame-gap-${id}`);
      const gapMs = Number(row[col("longest_frame_gap_ms")]);
      const shownMs = Number(await gap.getAttribute("data-ms"));
      assert.ok(gapMs > 0 && Math.abs(gapMs - shownMs) <= 0.051, `${id}: ${gapMs} ms in the CSV, ${shownMs} ms shown`);
      assert.equal(row[col("dropped_frames")], await gap.getAttribute("data-dropped"), id);
      const memory = page.getByTestId(`memory-${id}`);
      assert.equal(row[col("memory_peak_bytes")], await memory.getAttribute("data-bytes"), id);
      assert.equal(row[col("memory_end_bytes")], await memory.getAttribute("data-end-bytes"), id);
      assert.equal(row[col("memory_instances")], await memory.getAttribute("data-instances"), id);
    }

    // Spans CSV: one row per span of the trace.
    const spans = csvRows((await download(page, "export-spans-csv")).toString("utf8"));
    assert.equal(spans[0][0], "run");
    assert.equal(spans.length - 1, svg.spans);

    assert.match(await page.getByTestId("perfetto-help").textContent(), /ui\.perfetto\.dev.*drag/s);
    const origin = new URL(server.url).origin;
    assert.deepEqual(await page.evaluate(() => window.violations), [], "no CSP violation");
    const elsewhere = requests.filter((u) => !u.startsWith("about:") && new URL(u).origin !== origin);
    assert.deepEqual(elsewhere, [], "no request to another origin");
    assert.deepEqual(errors, [], "no console errors");
  } finally {
    await page.close();
    server.close();
  }
});

test("after a cancelled run the exports still work, and say what was cancelled", async () => {
  const server = await serve({ isolated: true });
  // Slow requests: the first technique is still running when Cancel lands.
  const query = "repeats=1&set=small&images=16&thumb=128&effort=fast&latency=300&techniques=sequential,cooperative";
  const { page, errors } = await openWatched(server, query);
  try {
    await page.getByTestId("run-button").click();
    // One image made, so the cancelled run has something to export.
    await page.waitForFunction(
      () => Number(document.querySelector("[data-testid=progress-sequential]")?.getAttribute("value")) >= 1,
      null,
      { timeout: 60_000, polling: 10 },
    );
    for (const id of BUTTONS) assert.ok(await page.getByTestId(id).isDisabled(), `${id} during a run`);
    await page.getByTestId("cancel-button").click();
    await page.waitForFunction(() => document.documentElement.dataset.runState === "cancelled", null, {
      timeout: 10_000,
    });
    for (const id of BUTTONS) assert.ok(await page.getByTestId(id).isEnabled(), `${id} after a cancel`);
    const rows = csvRows((await download(page, "export-csv")).toString("utf8"));
    assert.equal(rows.length, 2, "the cancelled technique's row");
    const cancelled = Number(rows[1][rows[0].indexOf("cancelled")]);
    assert.ok(cancelled > 0, `cancelled tasks counted: ${rows[1]}`);
    const svgText = (await download(page, "export-svg")).toString("utf8");
    assert.match(svgText, /^<svg [^>]*>[\s\S]*<\/svg>\n$/);
    assert.match(svgText, /data-technique="sequential"/);
    pngSize(await download(page, "export-png"));
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});
