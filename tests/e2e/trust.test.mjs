// End to end: a run can be stopped, and a worker that dies takes down only its technique.
// Cancel latency is measured against the trace (each technique's recorded end) and reported.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled, exportTrace, spansOf, taskSpans, anyOverlap, withPage } from "./support.mjs";

const ALL = ["sequential", "sequential-main", "threads", "gil", "cooperative", "processes"];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const status = (page, id) => page.getByTestId(`technique-${id}`).getAttribute("data-status");
const runState = (page) => page.evaluate(() => document.documentElement.dataset.runState);

/** Waits until technique `id` has finished at least `n` images. */
async function progressed(page, id, n) {
  await page.waitForFunction(
    ([id, n]) => Number(document.querySelector(`[data-testid=progress-${id}]`)?.getAttribute("value")) >= n,
    [id, n],
    { timeout: 120_000, polling: 10 },
  );
}

test("Cancel stops each technique within 100 ms, keeps what was done, and a new run works", async () => {
  const server = await serve({ isolated: true });
  const report = [];
  try {
    for (const id of ALL) {
      // The CPU-bound preset (600 px at maximum compression): one encode takes ~300 ms, so the
      // click lands inside one in most runs, and a worker must hear it between bands. Enough
      // images that the run is still going when the click lands, whatever the technique.
      const query = `techniques=${id}&set=photos&thumb=600&effort=max&images=12&latency=100&threads=2&repeats=1&autorun=1`;
      const { page, errors } = await open(browser, `${server.url}?${query}`);
      try {
        await progressed(page, id, 1);
        // Clicked from inside the page: the time is when the page could take the click (on the
        // main thread, sequential-main computes between its awaits: that is its lesson).
        const clickedUs = await page.evaluate((viaKey) => {
          const t = (performance.timeOrigin + performance.now()) * 1000;
          if (viaKey) document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
          else document.querySelector("[data-testid=cancel-button]").click();
          return t;
        }, id === "cooperative");
        await page.waitForFunction(() => document.documentElement.dataset.runState === "cancelled", null, {
          timeout: 5_000,
          polling: 5,
        });
        assert.equal(await status(page, id), "cancelled", id);
        const endUs = Number(await page.getByTestId(`wall-${id}`).getAttribute("data-end-us"));
        const ms = (endUs - clickedUs) / 1000;
        report.push(`${id}: ${ms.toFixed(1)} ms`);
        assert.ok(ms <= 100, `${id} stopped ${ms.toFixed(1)} ms after the cancel`);
        assert.ok((await page.getByTestId("thumb").count()) >= 1, `${id} kept what it made`);
        assert.ok((await page.getByTestId("thumb-cancelled").count()) >= 1, `${id} marked the rest cancelled`);
        assert.equal(await page.getByTestId("thumb-error").count(), 0, `${id}: cancelled is not failed`);
        assert.ok(await page.getByTestId("run-button").isEnabled(), "the page is usable again");

        await page.getByTestId("run-button").click();
        assert.equal(await settled(page), "done", `${id}: a new run after a cancel works`);
        assert.equal(await status(page, id), "done");
        assert.equal(await page.getByTestId("thumb").count(), 12);
        assert.deepEqual(errors, [], id);
      } finally {
        await page.close();
      }
    }
  } finally {
    server.close();
    console.log(`time from Cancel to stopped (from the trace): ${report.join(", ")}`);
  }
});

test("a link that would run for an hour stops at once", async () => {
  return withPage(browser, { isolated: false }, `?latency=10000&images=64&repeats=1&autorun=1`, async ({ page }) => {
    // Mid-run: the first technique is waiting out its first 10 s request.
    await page.waitForFunction(() => document.querySelector("[data-testid^=progress-]"), null, { timeout: 60_000 });
    const t0 = Date.now();
    await page.getByTestId("cancel-button").click();
    await page.waitForFunction(() => document.documentElement.dataset.runState === "cancelled", null, {
      timeout: 5_000,
    });
    assert.ok(Date.now() - t0 < 1_000, `stopped ${Date.now() - t0} ms after the click`);
    assert.ok(await page.getByTestId("run-button").isEnabled());
    assert.equal(await status(page, "sequential"), "cancelled", "cancelled, not failed");
  });
});

for (const [fault, expectFailed] of [
  ["sequential", true],
  ["threads", true],
  ["processes", false],
  // The engine instance on the page's thread: its panic fails cooperative, not the page.
  ["cooperative", true],
]) {
  test(`a panic in the ${fault} engine is survived (test switch fault=${fault})`, async () => {
    const server = await serve({ isolated: true });
    const techniques = "sequential,threads,cooperative,processes";
    const { page } = await open(browser, `${server.url}?techniques=${techniques}&set=small&images=4&threads=2&repeats=1&fault=${fault}&autorun=1`);
    try {
      assert.equal(await settled(page), "done");
      if (expectFailed) {
        assert.equal(await status(page, fault), "failed", fault);
        assert.match(await page.getByTestId(`error-${fault}`).textContent(), /panicked/);
      } else {
        // A dead process retires its lane; the live ones finish the batch.
        assert.equal(await status(page, fault), "done", fault);
        assert.match(await page.getByTestId(`technique-${fault}`).textContent(), /retired/);
      }
      for (const id of techniques.split(",").filter((t) => t !== fault || !expectFailed))
        assert.equal(await status(page, id), "done", `${id} ran after the ${fault} worker died`);
      assert.equal(await page.getByTestId("thumb").count(), 4);

      // The fault is spent: the dead worker was replaced, and the next run works throughout.
      await page.getByTestId("run-button").click();
      assert.equal(await settled(page), "done");
      for (const id of techniques.split(",")) assert.equal(await status(page, id), "done", id);
      // One build for every technique: the page's own thread and the processes run the engine
      // worker's build (each process its own instance, with no rayon pool).
      for (const id of techniques.split(","))
        assert.equal(await page.getByTestId(`build-${id}`).textContent(), "threaded", id);
    } finally {
      await page.close();
      server.close();
    }
  });
}

test("the connection limit holds across processes: the coordinator hands out the slots", async () => {
  const server = await serve({ isolated: true });
  const query = "techniques=processes&set=small&images=6&latency=60&connections=1&threads=2&repeats=1&autorun=1";
  const { page, errors } = await open(browser, `${server.url}?${query}`);
  try {
    assert.equal(await settled(page), "done");
    const spans = spansOf(await exportTrace(page), "Processes");
    const fetches = taskSpans(spans, "blocked", ["fetch"]);
    assert.equal(fetches.length, 6);
    assert.equal(new Set(fetches.map((s) => s.tid)).size, 2, "both processes fetched");
    // One connection for both processes: their requests never overlap (beyond clock rounding).
    assert.equal(anyOverlap(fetches, 100), null);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});

test("a worker that stops answering is taken for dead at its deadline, and replaced", async () => {
  const server = await serve({ isolated: true });
  // Test switch: the engine worker's code spins for ever at the first image (no message, no
  // error): only the deadline (20 s here: no simulated network) can tell.
  const query = "techniques=sequential,cooperative&set=small&images=3&fault=sequential:hang&repeats=1&autorun=1";
  const { page } = await open(browser, `${server.url}?${query}`);
  try {
    assert.equal(await settled(page), "done");
    assert.equal(await status(page, "sequential"), "failed");
    assert.match(await page.getByTestId("error-sequential").textContent(), /stopped answering/);
    assert.equal(await status(page, "cooperative"), "done", "the next technique ran");
    await page.getByTestId("run-button").click();
    assert.equal(await settled(page), "done");
    assert.equal(await status(page, "sequential"), "done", "a fresh worker serves the next run");
  } finally {
    await page.close();
    server.close();
  }
});
