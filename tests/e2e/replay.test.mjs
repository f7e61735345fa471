// Replay: a run's exported trace, opened in a fresh page (picked, or named by ?trace=), shows
// the same lanes, spans and figures without running anything; bad files say why and lose
// nothing.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, launch, open, settled, download, spansOf } from "./support.mjs";

const TECHNIQUES = ["sequential", "threads", "cooperative", "processes"];
const QUERY = `set=small&images=4&thumb=128&effort=fast&threads=2&techniques=${TECHNIQUES.join(",")}`;

let browser;
let dir;
before(async () => {
  browser = await launch();
  dir = await mkdtemp(join(tmpdir(), "interleave-replay-"));
});
after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What the page shows of each technique: lanes, spans, figures; and the summary. */
async function shown(page) {
  return page.evaluate((ids) => {
    const attr = (el, name) => el?.getAttribute(name) ?? null;
    const by = (id) => document.querySelector(`[data-testid="${id}"]`);
    const out = {};
    for (const id of ids) {
      const timeline = by(`timeline-${id}`);
      out[id] = {
        status: attr(by(`technique-${id}`), "data-status"),
        lanes: [...(timeline?.querySelectorAll(".lane-name") ?? [])].map((e) => e.textContent),
        spans: timeline?.querySelectorAll("rect[data-task]").length ?? 0,
        wall: by(`wall-${id}`)?.textContent,
        wallUs: attr(by(`wall-${id}`), "data-wall-us"),
        speedup: by(`speedup-${id}`)?.textContent,
        build: by(`build-${id}`)?.textContent,
        ideal: [attr(by(`ideal-${id}`), "data-predicted-us"), attr(by(`ideal-${id}`), "data-measured-us")],
        summary: [attr(by(`summary-${id}`), "data-wall-us"), attr(by(`summary-${id}`), "data-speedup")],
      };
    }
    return out;
  }, TECHNIQUES);
}

/** Requests that would mean something ran: workers, engine builds, sample images. */
const ran = (urls) => urls.filter((u) => /worker|engine|samples\//.test(u));

async function paintedThumbs(page) {
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="thumb"]').length === 4, null, {
    polling: 100,
  });
  // A painted canvas has opaque pixels (the PNG is decoded asynchronously).
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="thumb"]')].filter((c) => {
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      return data.some((v, i) => i % 4 === 3 && v > 0);
    }).length,
  );
}

test("an exported trace replays in a fresh page exactly as recorded, without running anything", async () => {
  const recorded = await (async () => {
    const server = await serve({ isolated: true });
    const { page, errors } = await open(browser, `${server.url}?${QUERY}`);
    try {
      await page.getByTestId("run-button").click();
      assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
      const live = await shown(page);
      const bytes = await download(page, "export-trace");
      assert.deepEqual(errors, []);
      return { live, bytes };
    } finally {
      await page.close();
      server.close();
    }
  })();
  const { live, bytes } = recorded;
  // The file is still the Chrome trace Perfetto opens, with the recording after its events.
  const text = bytes.toString("utf8");
  const json = JSON.parse(text);
  assert.ok(text.indexOf('"traceEvents"') < text.indexOf('"interleave"'), "events first");
  assert.equal(json.interleave.version, 2);
  assert.equal(json.interleave.recording.isolated, true);
  assert.equal(json.interleave.thumbnails.length, 4);
  for (const id of TECHNIQUES) {
    assert.equal(live[id].status, "done", id);
    assert.ok(live[id].spans > 0 && live[id].lanes.length > 0, id);
    assert.ok(spansOf(json, label(json, id))?.length > 0, `${id} in the Chrome trace`);
  }
  const file = join(dir, "recording.json");
  await writeFile(file, bytes);

  // Picked in a fresh page served without isolation: nothing runs, everything is as recorded.
  const server = await serve({ isolated: false, files: { "/recordings/run.json": file } });
  try {
    const { page, errors } = await open(browser, server.url);
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.getByTestId("import-trace").setInputFiles(file);
    const banner = page.getByTestId("recording-banner");
    await banner.waitFor();
    assert.equal(await banner.getAttribute("data-isolated"), "true");
    assert.equal(await banner.getAttribute("data-cores"), String(json.interleave.recording.cores));
    assert.match(await banner.textContent(), /Recording/);
    assert.match(await banner.getAttribute("data-builds"), /threaded/);
    assert.deepEqual(await shown(page), live);
    assert.equal(await paintedThumbs(page), 4);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.runState), "done");
    assert.deepEqual(ran(requests), [], "nothing ran");
    assert.equal(page.workers().length, 0, "no worker started");

    // A corrupt file: a clear error, and the recording shown stays as it was.
    const broken = join(dir, "broken.json");
    await writeFile(broken, bytes.subarray(0, bytes.length / 2));
    await page.getByTestId("import-trace").setInputFiles(broken);
    const error = page.getByTestId("import-error");
    await error.waitFor();
    assert.match(await error.textContent(), /broken\.json.*incomplete/s);
    assert.deepEqual(await shown(page), live);
    // A foreign file: a Chrome trace without a recording.
    const foreign = join(dir, "foreign.json");
    await writeFile(foreign, JSON.stringify({ traceEvents: json.traceEvents }));
    await page.getByTestId("import-trace").setInputFiles(foreign);
    await page.waitForFunction(() => /without an Interleave recording/.test(
      document.querySelector('[data-testid="import-error"]')?.textContent ?? ""));
    assert.ok(await banner.isVisible());

    // Back to live runs: the recorded configuration, ready to run here.
    await page.getByTestId("leave-recording").click();
    await banner.waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("technique-sequential").getAttribute("data-status"), "waiting");
    assert.match(page.url(), /images=4/);
    assert.deepEqual(errors, []);
    await page.close();

    // Named by ?trace= (same origin): the same page, and the link keeps it.
    const linked = await open(browser, `${server.url}?trace=recordings/run.json`);
    const linkRequests = [];
    linked.page.on("request", (r) => linkRequests.push(r.url()));
    await linked.page.getByTestId("recording-banner").waitFor();
    assert.deepEqual(await shown(linked.page), live);
    assert.equal(await paintedThumbs(linked.page), 4);
    assert.match(linked.page.url(), /trace=recordings%2Frun\.json/);
    assert.deepEqual(ran(linkRequests), [], "nothing ran");
    assert.equal(linked.page.workers().length, 0);
    assert.deepEqual(linked.errors, []);
    await linked.page.close();
  } finally {
    server.close();
  }
});

/** The process name of technique `id` in a trace (its label, as the page writes it). */
function label(json, id) {
  const index = json.interleave.runs.findIndex((r) => r.technique === id);
  const names = json.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name");
  return names.find((e) => e.pid === index + 1)?.args.name;
}

test("?trace= refuses other origins and missing files with a clear notice", async () => {
  const server = await serve({ isolated: false });
  try {
    for (const [trace, expected] of [
      ["http://example.invalid/run.json", /own origin/],
      ["missing.json", /404/],
      ["javascript:alert(1)", /own origin/],
    ]) {
      const { page, errors } = await open(browser, `${server.url}?trace=${encodeURIComponent(trace)}`);
      const requests = [];
      page.on("request", (r) => requests.push(r.url()));
      const error = page.getByTestId("import-error");
      await error.waitFor();
      assert.match(await error.textContent(), expected, trace);
      assert.equal(await page.getByTestId("recording-banner").count(), 0);
      assert.ok(!requests.some((u) => u.includes("example.invalid")), "no request elsewhere");
      assert.equal(await page.evaluate(() => document.documentElement.dataset.runState), "idle");
      // A 404 is logged by the browser itself; nothing else may be.
      assert.deepEqual(errors.filter((e) => !/404|Failed to load resource/.test(e)), [], trace);
      await page.close();
    }
  } finally {
    server.close();
  }
});
