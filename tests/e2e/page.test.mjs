// End to end: the built page (dist/, from `cargo xtask dist`) in headless Chromium, driven by
// its URL and its data-testid elements (listed in support.mjs).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled, exportTrace, spansOf, anyOverlap } from "./support.mjs";

// Small enough to be quick, large enough that every stage takes measurable time.
const BATCH = "images=8&size=600&thumb=128&threads=2";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function runPage(isolated, query) {
  const server = await serve({ isolated });
  try {
    const { page, errors } = await open(browser, `${server.url}?${query}`);
    const state = await settled(page);
    return { page, errors, state, server };
  } catch (e) {
    server.close();
    throw e;
  }
}

test("cross-origin isolated: all three techniques run, each the way it should", async () => {
  const { page, errors, state, server } = await runPage(true, `${BATCH}&autorun=1`);
  try {
    assert.equal(state, "done", await page.getByTestId("run-status").textContent());
    for (const id of ["sequential", "threads", "cooperative"]) {
      assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "done", id);
      assert.match(await page.getByTestId(`wall-${id}`).textContent(), /^\d+ ms$/, id);
      assert.match(await page.getByTestId(`speedup-${id}`).textContent(), /^\d+\.\d\d×$/, id);
      assert.ok(await page.getByTestId(`timeline-${id}`).locator("rect[data-stage]").count() >= 24, id);
    }
    assert.equal(await page.getByTestId("thumb").count(), 8);

    const trace = await exportTrace(page);
    const names = trace.traceEvents.filter((e) => e.name === "process_name").map((e) => e.args.name);
    assert.deepEqual(names, ["Sequential", "Threads", "Cooperative tasks"]);
    for (const name of names) {
      const spans = spansOf(trace, name);
      assert.equal(spans.length, 8 * 3, `${name}: every image passes decode, resize, encode once`);
      for (const s of spans) {
        assert.ok(Number.isFinite(s.ts) && s.dur >= 0, `${name}: complete events in µs`);
        assert.equal(s.args.state, "running");
        assert.ok(["decode", "resize", "encode"].includes(s.args.stage));
        assert.ok(Number.isInteger(s.args.task));
      }
      const threadNames = trace.traceEvents.filter(
        (e) => e.name === "thread_name" && e.pid === spans[0].pid,
      );
      assert.ok(threadNames.length >= 1, `${name}: lanes are named`);
    }

    const sequential = spansOf(trace, "Sequential");
    assert.equal(new Set(sequential.map((s) => s.tid)).size, 1);
    assert.equal(anyOverlap(sequential), null, "sequential spans never overlap");

    const threads = spansOf(trace, "Threads");
    assert.ok(new Set(threads.map((s) => s.tid)).size >= 2, "threads used at least 2 lanes");
    const pair = anyOverlap(threads);
    assert.ok(pair && pair[0].tid !== pair[1].tid, "spans on different threads overlap in time");
    for (const tid of new Set(threads.map((s) => s.tid)))
      assert.equal(anyOverlap(threads.filter((s) => s.tid === tid)), null, "one thread, one span at a time");

    const cooperative = spansOf(trace, "Cooperative tasks").sort((a, b) => a.ts - b.ts);
    assert.equal(new Set(cooperative.map((s) => s.tid)).size, 1, "cooperative runs on one lane");
    assert.equal(anyOverlap(cooperative), null);
    const order = cooperative.map((s) => s.args.task);
    const interleaved = order.some((t, i) => order.slice(i, order.lastIndexOf(t)).some((u) => u !== t));
    assert.ok(interleaved, `cooperative tasks interleave: ${order}`);

    assert.deepEqual(errors, [], "no console errors");
  } finally {
    await page.close();
    server.close();
  }
});

test("not isolated (e.g. embedded in slides): threads say why, the others still run", async () => {
  const { page, errors, state, server } = await runPage(false, `${BATCH}&autorun=1`);
  try {
    assert.equal(state, "done");
    const threads = page.getByTestId("technique-threads");
    assert.equal(await threads.getAttribute("data-status"), "unavailable");
    assert.match(await page.getByTestId("unavailable-threads").textContent(), /cross-origin isolated/);
    for (const id of ["sequential", "cooperative"])
      assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "done", id);
    const trace = await exportTrace(page);
    assert.equal(spansOf(trace, "Threads"), null, "no threads trace without threads");
    assert.equal(spansOf(trace, "Sequential").length, 24);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});

test("a bad link is corrected with a visible notice, and the page still runs", async () => {
  const query = "techniques=sequential,warp&images=0&size=big&threads=2&autorun=1";
  const { page, errors, state, server } = await runPage(true, query);
  try {
    assert.equal(state, "done");
    const notice = await page.getByTestId("notice").textContent();
    assert.match(notice, /warp/);
    assert.match(notice, /images/);
    assert.match(notice, /size/);
    assert.equal(await page.getByTestId("technique-threads").count(), 0, "only the chosen technique");
    assert.equal(await page.getByTestId("thumb").count(), 1, "images=0 was raised to 1");
    // The corrected configuration is what the address bar now shares.
    const search = new URL(page.url()).searchParams;
    assert.equal(search.get("images"), "1");
    assert.equal(search.get("size"), null, "size fell back to its default");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});

test("Run starts a run that shows progress and cannot be started twice", async () => {
  const server = await serve({ isolated: true });
  const { page, errors } = await open(browser, `${server.url}?${BATCH}`);
  try {
    assert.equal(await page.evaluate(() => document.documentElement.dataset.runState), "idle");
    // Record whether a progress bar is ever rendered: runs this small may finish between polls.
    await page.evaluate(() => {
      new MutationObserver(() => {
        if (document.querySelector("[data-testid^=progress-]")) window.sawProgress = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId("run-button").click();
    await page.waitForFunction(() => document.documentElement.dataset.runState === "running");
    assert.ok(await page.getByTestId("run-button").isDisabled(), "no second run while one is going");
    assert.equal(await settled(page), "done");
    assert.ok(await page.evaluate(() => window.sawProgress), "progress was shown while running");
    assert.ok(await page.getByTestId("run-button").isEnabled());
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});
