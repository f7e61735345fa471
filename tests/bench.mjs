// Benchmark: threads vs sequential in headless Chromium on a CPU-bound batch, as ratios measured
// in one session. Usage: node tests/bench.mjs [--images N] [--size PX] [--threads N] [--repeats N]
// (run through `cargo xtask bench`, which builds the page first).

import { serve, launch, open, settled } from "./e2e/support.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const images = arg("images", 16);
const size = arg("size", 2000);
const threads = arg("threads", 2);
const repeats = arg("repeats", 5);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const server = await serve({ isolated: true });
const browser = await launch();
try {
  const query = `techniques=sequential,threads,cooperative&images=${images}&size=${size}&threads=${threads}`;
  const { page, errors } = await open(browser, `${server.url}?${query}`);
  const walls = { sequential: [], threads: [], cooperative: [] };
  // The first run is a warm-up (it also makes the batch); the next `repeats` are measured.
  for (let run = 0; run <= repeats; run++) {
    await page.getByTestId("run-button").click();
    await page.waitForFunction(() => document.documentElement.dataset.runState === "running");
    const state = await settled(page, 600_000);
    if (state !== "done") throw new Error(`run ${run} ${state}: ${await page.getByTestId("run-status").textContent()}`);
    if (run === 0) continue;
    for (const id of Object.keys(walls)) {
      const us = await page.getByTestId(`wall-${id}`).getAttribute("data-wall-us");
      if (us === null) throw new Error(`${id} did not finish: is the page cross-origin isolated?`);
      walls[id].push(Number(us));
    }
  }
  if (errors.length) console.warn("console errors:", errors);
  console.log(`batch: ${images} photo-like ${size}×${size} JPEGs → 256 px PNG, ${threads} threads, medians of ${repeats} after a warm-up`);
  const seq = median(walls.sequential);
  for (const [id, w] of Object.entries(walls)) {
    const m = median(w);
    console.log(`${id.padEnd(12)} ${(m / 1000).toFixed(0).padStart(6)} ms  ${(images / (m / 1e6)).toFixed(1).padStart(6)} thumbnails/s  ${(seq / m).toFixed(2)}× vs sequential`);
  }
  console.log(`threads vs sequential: ${(seq / median(walls.threads)).toFixed(2)}×`);
} finally {
  await browser.close();
  server.close();
}
