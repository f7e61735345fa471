// Benchmark: every technique against sequential (in a worker) in headless Chromium, on the
// CPU-bound and the I/O-bound preset, as ratios measured in one session (medians of `repeats`
// runs after a warm-up). Usage: node tests/bench.mjs [--threads N] [--repeats N] [--images N]
// [--only cpu|io|kernel]
// (run through `cargo xtask bench`, which builds the page first).

import { serve, launch, open, settled } from "./e2e/support.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const threads = arg("threads", 2);
const repeats = arg("repeats", 5);
const images = arg("images", 16);
const IDS = ["sequential", "sequential-main", "threads", "gil", "cooperative", "processes"];
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
const SCENARIOS = [
  ["cpu", "CPU-bound: 2000×2000 JPEG photos → 600 px PNG at maximum compression, no simulated network", "set=photos&thumb=600&effort=max"],
  ["io", "I/O-bound: 640×480 JPEGs → 256 px PNG, 250 ms ± 100 ms latency, 20 Mbit/s, 6 connections", "set=small&thumb=256&effort=fast&latency=250&jitter=100&bandwidth=20"],
  // Algorithm against concurrency: the same Lanczos3 filter, SIMD on one core against the
  // image crate's plain kernel on N.
  ["kernel", "Resize kernel simd: photos → 1024 px, fast PNG", "set=photos&thumb=1024&effort=fast&kernel=simd"],
  ["kernel", "Resize kernel image: photos → 1024 px, fast PNG", "set=photos&thumb=1024&effort=fast&kernel=image"],
];
const medians = {};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const server = await serve({ isolated: true });
const browser = await launch();
try {
  for (const [id, title, params] of SCENARIOS) {
    if (only && only !== id) continue;
    const { page, errors } = await open(browser, `${server.url}?${params}&images=${images}&threads=${threads}`);
    const walls = Object.fromEntries(IDS.map((id) => [id, []]));
    // The first run is a warm-up; the next `repeats` are measured.
    for (let run = 0; run <= repeats; run++) {
      await page.getByTestId("run-button").click();
      await page.waitForFunction(() => document.documentElement.dataset.runState === "running");
      const state = await settled(page, 900_000);
      if (state !== "done") throw new Error(`${state}: ${await page.getByTestId("run-status").textContent()}`);
      if (run === 0) continue;
      for (const id of IDS) {
        const us = await page.getByTestId(`wall-${id}`).getAttribute("data-wall-us", { timeout: 1000 });
        walls[id].push(Number(us));
      }
    }
    if (errors.length) console.warn("console errors:", errors);
    console.log(`\n${title}; ${images} images, N = ${threads}, medians of ${repeats} after a warm-up`);
    const seq = median(walls.sequential);
    medians[title] = Object.fromEntries(IDS.map((id) => [id, median(walls[id])]));
    for (const id of IDS) {
      const m = median(walls[id]);
      const rate = (images / (m / 1e6)).toFixed(1);
      console.log(`  ${id.padEnd(16)} ${(m / 1000).toFixed(0).padStart(6)} ms ${rate.padStart(7)} thumbnails/s ${(seq / m).toFixed(2).padStart(6)}× vs sequential`);
    }
    await page.close();
  }
  const [simd, plain] = SCENARIOS.filter(([id]) => id === "kernel").map(([, title]) => medians[title]);
  if (simd && plain) {
    console.log(`\nsequential with the SIMD kernel vs threads (N = ${threads}) with the image crate's: ${(plain.threads / simd.sequential).toFixed(2)}× the time`);
    console.log(`the SIMD kernel vs the image crate's, sequential: ${(plain.sequential / simd.sequential).toFixed(2)}× faster`);
  }
} finally {
  await browser.close();
  server.close();
}
