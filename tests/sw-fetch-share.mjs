// Whether the service worker of static hosts (www/sw.js) changes what a run measures: the same
// run, cross-origin isolated by real headers (no service worker) and by the service worker on a
// host without headers, alternating, `ROUNDS` times. Prints per technique the median share of
// wall time spent fetching and the median time of one fetch, and how many of the page's own
// image requests its fetch handler answered (PerformanceResourceTiming.workerFinalSourceType;
// a request the static routes send to the network does not count).
// A measurement, not a test. Usage, after `cargo xtask dist`:
//   node tests/sw-fetch-share.mjs ["set=small&images=16&thumb=128&effort=fast"]
import { serve, launch, settled, exportTrace, spansOf, taskSpans } from "./e2e/support.mjs";

const query = process.argv[2] ?? "set=small&images=16&thumb=128&effort=fast";
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const NAMES = { Sequential: "sequential", "Cooperative tasks": "cooperative" };
const url = (server) => `${server.url}?${query}&techniques=sequential,cooperative&autorun=1`;

const browser = await launch();
const headers = await serve({ isolated: true });
const bare = await serve({ bare: true });
const results = { headers: [], "service worker": [] };
try {
  // One profile for the service worker: install it once, then every run is under its control.
  const swContext = await browser.newContext();
  const setup = await swContext.newPage();
  await setup.goto(bare.url);
  await setup.locator('[data-testid="isolation-status"][data-state="ready"]').waitFor();
  await setup.close();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, page] of [
      ["headers", await (await browser.newContext()).newPage()],
      ["service worker", await swContext.newPage()],
    ]) {
      await page.goto(url(label === "headers" ? headers : bare));
      if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error(`${label}: not isolated`);
      await settled(page);
      const viaWorker = await page.evaluate(() =>
        performance.getEntriesByType("resource").filter((e) => e.name.includes("/samples/") && e.workerFinalSourceType === "fetch-event").length,
      );
      const trace = await exportTrace(page);
      const row = { viaWorker };
      for (const [name, id] of Object.entries(NAMES)) {
        const spans = spansOf(trace, name);
        const fetches = taskSpans(spans, "blocked", ["fetch"]);
        const fetch = fetches.reduce((a, s) => a + s.dur, 0);
        const wall = Math.max(...spans.map((s) => s.ts + s.dur)) - Math.min(...spans.map((s) => s.ts));
        row[id] = { share: fetch / wall, perFetch: fetch / fetches.length / 1000, wall: wall / 1000 };
      }
      results[label].push(row);
      await page.close();
    }
  }
} finally {
  headers.close();
  bare.close();
  await browser.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${query}, ${ROUNDS} rounds, medians:`);
for (const [label, rows] of Object.entries(results)) {
  const parts = Object.values(NAMES).map((id) => {
    const share = median(rows.map((r) => r[id].share)) * 100;
    const per = median(rows.map((r) => r[id].perFetch));
    const wall = median(rows.map((r) => r[id].wall));
    // Cooperative tasks' waits overlap: their sum is no share of the wall time.
    return id === "sequential"
      ? `${id}: wall ${wall.toFixed(0)} ms, fetch ${share.toFixed(1)} % of it, ${per.toFixed(2)} ms per fetch`
      : `${id}: wall ${wall.toFixed(0)} ms, ${per.toFixed(2)} ms per fetch`;
  });
  const via = Math.max(...rows.map((r) => r.viaWorker));
  console.log(`  ${label.padEnd(14)} ${parts.join("; ")}; page fetches through the worker: ${via}`);
}
