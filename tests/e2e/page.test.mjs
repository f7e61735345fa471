// End to end: the built page (dist/, from `cargo xtask dist`) in headless Chromium, driven by
// its URL and its data-testid elements (listed in support.mjs).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  serve, launch, open, settled, exportTrace, download, spansOf, taskSpans, anyOverlap, mostAtOnce, withPage,
} from "./support.mjs";

const CPU = ["decode", "resize", "encode"];
const NAMES = {
  sequential: "Sequential",
  "sequential-main": "Sequential on the main thread",
  threads: "Threads",
  gil: "Threads + global lock",
  cooperative: "Cooperative tasks",
  processes: "Processes",
};
const ALL = Object.keys(NAMES);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Opens the page with `query`, waits for the run to settle, and always cleans up. */
async function withRun(isolated, query, check) {
  const server = await serve({ isolated });
  const { page, errors } = await open(browser, `${server.url}?${query}`);
  try {
    const state = await settled(page);
    await check({ page, errors, state, server });
  } finally {
    await page.close();
    server.close();
  }
}

const status = (page, id) => page.getByTestId(`technique-${id}`).getAttribute("data-status");

test("CPU-bound, cross-origin isolated: every technique runs the way it should", async () => {
  // Four big photos: enough CPU per stage that parallel stages must overlap.
  await withRun(true, "set=photos&images=4&threads=2&repeats=1&autorun=1", async ({ page, errors, state }) => {
    assert.equal(state, "done", await page.getByTestId("run-status").textContent());
    for (const id of ALL) {
      assert.equal(await status(page, id), "done", id);
      assert.match(await page.getByTestId(`wall-${id}`).textContent(), /^\d+ ms$/, id);
      assert.match(await page.getByTestId(`speedup-${id}`).textContent(), /^\d+\.\d\d×$/, id);
      assert.ok(await page.getByTestId(`timeline-${id}`).locator("rect[data-stage]").count() >= 16, id);
      // The ideal schedule: the same policy with the measured costs and no overhead is never
      // slower than the run (1 % and 1 ms of slack for rounding).
      const ideal = page.getByTestId(`ideal-${id}`);
      const predicted = Number(await ideal.getAttribute("data-predicted-us"));
      const measured = Number(await ideal.getAttribute("data-measured-us"));
      assert.equal(measured, Number(await page.getByTestId(`wall-${id}`).getAttribute("data-wall-us")), id);
      assert.ok(predicted > 0 && predicted <= measured * 1.01 + 1000, `${id}: ideal ${predicted} µs, run ${measured} µs`);
    }
    assert.equal(await page.getByTestId("thumb").count(), 4);

    const trace = await exportTrace(page);
    const names = trace.traceEvents.filter((e) => e.name === "process_name").map((e) => e.args.name);
    assert.deepEqual(names, ALL.map((id) => NAMES[id]));
    for (const name of names) {
      const spans = spansOf(trace, name);
      const stages = taskSpans(spans, "running", CPU).concat(taskSpans(spans, "blocked", ["fetch"]));
      assert.equal(stages.length, 4 * 4, `${name}: every image is fetched, decoded, resized, encoded once`);
      for (const s of spans) assert.ok(Number.isFinite(s.ts) && s.dur >= 0, `${name}: complete events in µs`);
      assert.ok(stages.every((s) => Number.isInteger(s.args.task)));
      assert.ok(trace.traceEvents.some((e) => e.name === "thread_name" && e.pid === spans[0].pid));
    }

    const cpu = (name) => taskSpans(spansOf(trace, name), "running", CPU);
    // Its own lanes only: a long task of the main thread during the run has a track of its own.
    const sequential = spansOf(trace, NAMES.sequential).filter((s) => s.cat !== "frames");
    assert.equal(new Set(sequential.map((s) => s.tid)).size, 1);
    assert.equal(anyOverlap(sequential), null, "sequential spans never overlap");

    const threads = cpu(NAMES.threads);
    assert.ok(new Set(threads.map((s) => s.tid)).size >= 2, "threads used at least 2 lanes");
    const pair = anyOverlap(threads);
    assert.ok(pair && pair[0].tid !== pair[1].tid, "CPU stages on different threads overlap in time");
    const clear = anyOverlap(threads, 100);
    assert.ok(clear, "and by more than the clocks' rounding");
    for (const tid of new Set(threads.map((s) => s.tid)))
      assert.equal(anyOverlap(threads.filter((s) => s.tid === tid)), null, "one thread, one stage at a time");

    const gil = cpu(NAMES.gil);
    assert.ok(new Set(gil.map((s) => s.tid)).size >= 2, "the locked threads both took work");
    assert.equal(anyOverlap(gil, 100), null, "under the global lock no two CPU stages overlap");

    const cooperative = cpu(NAMES.cooperative).sort((a, b) => a.ts - b.ts);
    assert.equal(new Set(cooperative.map((s) => s.tid)).size, 1, "cooperative runs on one lane");
    assert.equal(anyOverlap(cooperative), null);
    const order = cooperative.map((s) => s.args.task);
    const interleaved = order.some((t, i) => order.slice(i, order.lastIndexOf(t)).some((u) => u !== t));
    assert.ok(interleaved, `cooperative tasks interleave: ${order}`);

    const processes = spansOf(trace, NAMES.processes);
    const startups = processes.filter((s) => s.args.stage === "startup");
    assert.equal(new Set(startups.map((s) => s.tid)).size, 2, "each process started its own instance");
    assert.ok(new Set(cpu(NAMES.processes).map((s) => s.tid)).size >= 2, "both processes took work");
    assert.equal(processes.filter((s) => s.args.stage === "transfer").length, 4, "one result message per image");

    assert.deepEqual(errors, [], "no console errors");
  });
});

test("I/O-bound: cooperative overlaps its waits, the global lock lets waits overlap", async () => {
  const query = "repeats=1&set=small&images=8&latency=150&threads=2&techniques=sequential,gil,cooperative,processes&autorun=1";
  await withRun(true, query, async ({ page, errors, state }) => {
    assert.equal(state, "done");
    const trace = await exportTrace(page);
    const fetches = (name) => taskSpans(spansOf(trace, name), "blocked", ["fetch"]);
    assert.equal(mostAtOnce(fetches(NAMES.sequential)), 1, "sequential waits one request at a time");
    assert.ok(mostAtOnce(fetches(NAMES.cooperative)) >= 3, "cooperative has several waits in flight");
    assert.equal(mostAtOnce(fetches(NAMES.gil)), 2, "each locked thread waits for I/O without the lock");
    assert.equal(anyOverlap(taskSpans(spansOf(trace, NAMES.gil), "running", CPU), 100), null);
    assert.equal(mostAtOnce(fetches(NAMES.processes)), 2, "each process waits in its own worker");
    // The fetches are real requests for the sample files, each past any cache.
    assert.deepEqual(errors, []);
  });
});

test("fetches are real requests to the page's own origin, never served from a cache", async () => {
  await withRun(true, "set=small&images=3&techniques=sequential,cooperative&repeats=1&autorun=1", async ({ state, server }) => {
    assert.equal(state, "done");
    const samples = server.requests.filter((u) => u.startsWith("/samples/small/"));
    // Warm-up (2 images in the worker, 2 on the main thread) and 3 per technique.
    assert.equal(samples.length, 2 + 2 + 3 + 3, samples.join("\n"));
    assert.equal(new Set(samples).size, samples.length, "every request is distinct: no cache can answer");
  });
});

test("not isolated (e.g. embedded in slides): threads say why, the others still run", async () => {
  await withRun(false, "set=small&images=4&threads=2&repeats=1&autorun=1", async ({ page, errors, state }) => {
    assert.equal(state, "done");
    for (const id of ["threads", "gil"]) {
      assert.equal(await status(page, id), "unavailable", id);
      assert.match(await page.getByTestId(`unavailable-${id}`).textContent(), /cross-origin isolated/);
    }
    for (const id of ["sequential", "sequential-main", "cooperative", "processes"]) {
      assert.equal(await status(page, id), "done", id);
      // Every technique on the one build this page can run, the page's own thread too.
      assert.equal(await page.getByTestId(`build-${id}`).textContent(), "plain", id);
    }
    const trace = await exportTrace(page);
    assert.equal(spansOf(trace, NAMES.threads), null, "no threads trace without threads");
    assert.equal(taskSpans(spansOf(trace, NAMES.processes), "running", CPU).length, 12);
    assert.deepEqual(errors, []);
  });
});

test("a bad link is corrected with a visible notice, and the page still runs", async () => {
  const query = "repeats=1&techniques=sequential,warp&images=0&set=huge&latency=-5&threads=2&autorun=1";
  await withRun(true, query, async ({ page, errors, state }) => {
    assert.equal(state, "done");
    const notice = await page.getByTestId("notice").textContent();
    for (const word of ["warp", "images", "set", "latency"]) assert.match(notice, new RegExp(word));
    assert.equal(await page.getByTestId("technique-threads").count(), 0, "only the chosen technique");
    assert.equal(await page.getByTestId("thumb").count(), 1, "images=0 was raised to 1");
    // The corrected configuration is what the address bar now shares.
    const search = new URL(page.url()).searchParams;
    assert.equal(search.get("images"), "1");
    assert.equal(search.get("set"), null, "set fell back to its default");
    assert.deepEqual(errors, []);
  });
});

test("presets change the link; Run shows progress and cannot be started twice", async () => {
  return withPage(browser, { isolated: true }, `?images=3&techniques=sequential,cooperative&repeats=1`, async ({ page, errors }) => {
    assert.equal(await page.evaluate(() => document.documentElement.dataset.runState), "idle");
    await page.getByTestId("preset-io").click();
    await page.waitForFunction(() => new URL(location.href).searchParams.get("set") === "small");
    assert.ok(Number(new URL(page.url()).searchParams.get("latency")) > 0);
    assert.equal(await page.getByTestId("preset-io").getAttribute("aria-pressed"), "true");
    // Record whether a progress bar ever shows a finished image: runs this small may end
    // between polls.
    await page.evaluate(() => {
      new MutationObserver(() => {
        for (const p of document.querySelectorAll("[data-testid^=progress-]"))
          if (Number(p.getAttribute("value")) > 0) window.sawProgress = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId("run-button").click();
    await page.waitForFunction(() => document.documentElement.dataset.runState === "running");
    assert.ok(await page.getByTestId("run-button").isDisabled(), "no second run while one is going");
    assert.equal(await settled(page), "done");
    assert.ok(await page.evaluate(() => window.sawProgress), "progress was shown while running");
    assert.ok(await page.getByTestId("run-button").isEnabled());
    assert.deepEqual(errors, []);
  });
});

test("own images replace the batch, stay in the browser, and a corrupt one fails alone", async () => {
  return withPage(browser, { isolated: true }, `?threads=2&repeats=1`, async ({ page, errors, server }) => {
    const dist = resolve(import.meta.dirname, "../../dist/samples");
    await page.getByTestId("file-input").setInputFiles([
      { name: "a.jpg", mimeType: "image/jpeg", buffer: await readFile(`${dist}/small/00.jpg`) },
      { name: "broken.jpg", mimeType: "image/jpeg", buffer: Buffer.from("this is not a jpeg") },
      { name: "c.png", mimeType: "image/png", buffer: await readFile(`${dist}/mixed/00.png`) },
    ]);
    assert.match(await page.getByTestId("own-files").textContent(), /3 image/);
    const before = server.requests.length;
    await page.getByTestId("run-button").click();
    assert.equal(await settled(page), "done");
    assert.ok(server.requests.slice(before).every((u) => !u.startsWith("/samples/")), "no sample was fetched");
    for (const id of ALL) {
      assert.equal(await status(page, id), "done", id);
      // Named by its file, in plain words: the library's text is not the headline.
      assert.match(await page.getByTestId(`failures-${id}`).textContent(), /broken\.jpg: not an image/, id);
    }
    assert.equal(await page.getByTestId("thumb").count(), 2);
    assert.equal(await page.getByTestId("thumb-error").count(), 1);
    assert.equal(await page.getByTestId("thumb-error").getAttribute("data-name"), "broken.jpg");
    assert.match(await page.getByTestId("thumb-error").textContent(), /broken\.jpg/);

    const zip = await download(page, "download-zip");
    assert.equal(zip.readUInt32LE(0), 0x04034b50, "a zip file");
    let entries = 0;
    for (let i = zip.indexOf("PK\x01\x02"); i >= 0; i = zip.indexOf("PK\x01\x02", i + 4)) entries++;
    assert.equal(entries, 2, "one PNG per thumbnail that was made");
    assert.ok(zip.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47])), "with PNGs inside");
    assert.deepEqual(errors, []);
  });
});
