// Runs back to back must not leak: JS heap and the page's wasm memory stay near their level after the first
// run, and no workers pile up. The suite runs a short version; `cargo xtask soak` runs 50
// (SOAK_RUNS) and prints the figures.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled } from "./support.mjs";

const RUNS = Number(process.env.SOAK_RUNS ?? 4);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** JS heap after a full GC, and the page's wasm memory (set when the run settled), bytes. */
async function memory(cdp, page) {
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  const wasm = Number(await page.evaluate(() => document.documentElement.dataset.wasmBytes));
  return { js: heap.usedSize, wasm };
}

/** The number of workers once it has not changed for 300 ms (at most 10 s). */
async function steadyWorkers(page) {
  let [count, since] = [page.workers().length, Date.now()];
  for (const end = Date.now() + 10_000; Date.now() < end && Date.now() - since < 300; ) {
    await new Promise((ok) => setTimeout(ok, 50));
    if (page.workers().length !== count) [count, since] = [page.workers().length, Date.now()];
  }
  return count;
}

test(`${RUNS} runs back to back leave memory and workers where the first left them`, async () => {
  const server = await serve({ isolated: true });
  const query = "repeats=1&set=small&images=6&threads=2&techniques=sequential,threads,cooperative,processes";
  const { page, errors } = await open(browser, `${server.url}?${query}`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.enable");
  try {
    const levels = [];
    let workersAfterFirst = 0;
    for (let run = 0; run < RUNS; run++) {
      await page.getByTestId("run-button").click();
      assert.equal(await settled(page), "done", `run ${run + 1}`);
      levels.push(await memory(cdp, page));
      if (process.env.SOAK_TRACE) console.log(`run ${run + 1}: ${JSON.stringify(levels.at(-1))}`);
      // Process workers are terminated as the run settles; the browser reports it a moment later.
      if (run === 0) workersAfterFirst = await steadyWorkers(page);
      else assert.equal(await steadyWorkers(page), workersAfterFirst, `no extra workers after run ${run + 1}`);
    }
    const [first, last] = [levels[0], levels.at(-1)];
    const mb = (b) => (b / 1e6).toFixed(1);
    console.log(
      `after run 1: JS heap ${mb(first.js)} MB, wasm memory ${mb(first.wasm)} MB; ` +
        `after run ${RUNS}: JS heap ${mb(last.js)} MB, wasm memory ${mb(last.wasm)} MB; workers ${workersAfterFirst}`,
    );
    // Within 10 %, with 1 MB of slack for a heap this small to breathe.
    assert.ok(last.js <= first.js * 1.1 + 1e6, `JS heap grew from ${mb(first.js)} to ${mb(last.js)} MB`);
    assert.ok(first.wasm > 0, "the page reports its wasm memory");
    // wasm memory never shrinks: it steps up once to the allocator's high-water mark (a few
    // 64 KiB pages), while a leak (one run's thumbnails kept, say) grows with every run.
    assert.ok(last.wasm <= first.wasm * 1.1 + 1e6, `wasm memory grew from ${mb(first.wasm)} to ${mb(last.wasm)} MB`);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});
