// Replay: a run's exported trace, opened in a fresh page (picked, or named by ?trace=), shows
// the same lanes, spans and figures — every repeat in the run picker, the medians and spread,
// the main thread's frame gaps and the wasm memory — without running anything; bad files say
// why and lose nothing.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, open, browserForFile, recordRun, spansOf } from "./support.mjs";

const TECHNIQUES = ["sequential", "threads", "cooperative", "processes"];
const QUERY = `repeats=2&set=small&images=4&thumb=128&effort=fast&threads=2&techniques=${TECHNIQUES.join(",")}`;

const shared = browserForFile();
let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "interleave-replay-"));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What the page shows of each technique: lanes, spans, figures, its runs, the main thread's
 * frames and the wasm memory; and the summary. */
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
        spread: [attr(by(`wall-${id}`), "data-runs"), attr(by(`wall-${id}`), "data-min-us"), attr(by(`wall-${id}`), "data-max-us")],
        shownUs: attr(timeline, "data-wall-us"),
        runs: [attr(by(`repeats-${id}`), "data-runs"), attr(by(`repeats-${id}`), "data-shown")],
        picker: [...document.querySelectorAll(`[data-testid^="repeat-${id}-"]`)].map((b) => attr(b, "data-wall-us")),
        frames: ["data-ms", "data-dropped", "data-long-tasks"].map((a) => attr(by(`frame-gap-${id}`), a)),
        memory: ["data-bytes", "data-end-bytes", "data-instances", "data-largest-bytes"].map((a) => attr(by(`memory-${id}`), a)),
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
  const browser = shared.browser;
  const { live, bytes } = await recordRun(browser, QUERY, shown);
  // The file is still the Chrome trace Perfetto opens, with the recording after its events.
  const text = bytes.toString("utf8");
  const json = JSON.parse(text);
  assert.ok(text.indexOf('"traceEvents"') < text.indexOf('"interleave"'), "events first");
  assert.equal(json.interleave.version, 3);
  assert.equal(json.interleave.recording.isolated, true);
  assert.equal(json.interleave.thumbnails.length, 4);
  // Every repeat is in the recording, with its frames and memory, and is a process of its own
  // in the events, with its memory counter and its main-thread frames track.
  const timed = json.interleave.runs.filter((r) => r.trace);
  assert.equal(timed.length, TECHNIQUES.length * 2);
  const processes = json.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name");
  assert.equal(processes.length, timed.length);
  for (const [i, run] of timed.entries()) {
    assert.ok(run.frames?.frames_us.length > 0, `${run.technique}: frames`);
    assert.ok(run.memory?.instances.length > 0, `${run.technique}: memory`);
    const mine = json.traceEvents.filter((e) => e.pid === i + 1);
    assert.equal(mine.filter((e) => e.ph === "C" && e.name === "wasm memory (bytes)").length, 2, run.technique);
    assert.ok(mine.some((e) => e.ph === "M" && e.args.name === "main thread frames"), run.technique);
  }
  for (const id of TECHNIQUES) {
    assert.equal(live[id].status, "done", id);
    assert.ok(live[id].spans > 0 && live[id].lanes.length > 0, id);
    assert.deepEqual(live[id].runs, ["2", live[id].runs[1]], id);
    assert.equal(live[id].picker.length, 2, id);
    assert.ok(live[id].frames[0] !== null && live[id].memory[0] !== null, `${id}: panels shown`);
    assert.ok(spansOf(json, label(json, id))?.length > 0, `${id} in the Chrome trace`);
  }
  const file = join(dir, "recording.json");
  await writeFile(file, bytes);

  // Picked in a fresh page served without isolation: nothing runs, everything is as recorded —
  // the same runs in each picker, medians, spread, frame gaps and memory.
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
    // The other run is one click away, as on the live page.
    const other = live.threads.runs[1] === "1" ? 2 : 1;
    await page.getByTestId(`repeat-threads-${other}`).click();
    await page.waitForFunction(
      (k) => document.querySelector('[data-testid="repeats-threads"]')?.dataset.shown === String(k),
      other,
    );
    assert.equal(
      await page.getByTestId("timeline-threads").getAttribute("data-wall-us"),
      live.threads.picker[other - 1],
    );
    assert.deepEqual(ran(requests), [], "nothing ran");
    assert.equal(page.workers().length, 0, "no worker started");

    // A corrupt file: a clear error, and the recording shown stays as it was.
    const broken = join(dir, "broken.json");
    await writeFile(broken, bytes.subarray(0, bytes.length / 2));
    await page.getByTestId("import-trace").setInputFiles(broken);
    const error = page.getByTestId("import-error");
    await error.waitFor();
    assert.match(await error.textContent(), /broken\.json.*incomplete/s);
    assert.equal(await page.getByTestId("repeats-threads").getAttribute("data-shown"), String(other));
    // A foreign file: a Chrome trace without a recording.
    const foreign = join(dir, "foreign.json");
    await writeFile(foreign, JSON.stringify({ traceEvents: json.traceEvents }));
    await page.getByTestId("import-trace").setInputFiles(foreign);
    await page.waitForFunction(() => /without an Interleave recording/.test(
      document.querySelector('[data-testid="import-error"]')?.textContent ?? ""));
    assert.ok(await banner.isVisible());

    // Every technique ran one build, so the summary says nothing of builds; a recording in
    // which one ran another build than sequential (a threaded build that failed to start
    // there) says so, naming it.
    assert.equal(await page.getByTestId("summary-builds").count(), 0);
    const mixed = JSON.parse(text);
    for (const run of mixed.interleave.runs) if (run.technique === "cooperative") run.build = "plain";
    mixed.interleave.recording.builds = [...new Set([...mixed.interleave.recording.builds, "plain"])];
    const mixedFile = join(dir, "mixed.json");
    await writeFile(mixedFile, JSON.stringify(mixed));
    await page.getByTestId("import-trace").setInputFiles(mixedFile);
    await page.waitForFunction(() =>
      /Cooperative tasks ran the plain build, sequential the threaded one/.test(
        document.querySelector('[data-testid="summary-builds"]')?.textContent ?? ""));
    assert.equal(await page.getByTestId("build-cooperative").textContent(), "plain");

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

/** The process name of technique `id`'s first run in a trace (as the page writes it): one
 * process per timed run, in the recording's order. */
function label(json, id) {
  const index = json.interleave.runs.filter((r) => r.trace).findIndex((r) => r.technique === id);
  const names = json.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name");
  return names.find((e) => e.pid === index + 1)?.args.name;
}

test("?trace= refuses other origins and missing files with a clear notice", async () => {
  const browser = shared.browser;
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
