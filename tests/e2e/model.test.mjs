// Timed runs (repeats), the main thread's responsiveness and wasm memory per technique: the
// median with its spread on each card, one click to see another run, frame gaps that tell a
// frozen page from a live one, and memory that adds up over processes.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled, download } from "./support.mjs";

const server = await serve({ isolated: true });
const browser = await launch();
after(async () => {
  await browser.close();
  server.close();
});

const attr = async (page, id, name) => page.getByTestId(id).getAttribute(name);
const num = async (page, id, name) => Number(await attr(page, id, name));

/** A CSV of plain fields (the results hold no quoted ones here) as objects by header. */
function rows(csv) {
  const [head, ...lines] = csv.trim().split("\r\n").map((l) => l.split(","));
  return lines.map((l) => Object.fromEntries(head.map((h, i) => [h, l[i]])));
}

test("each technique runs three times: the median with its spread, every run one click away", async () => {
  const ids = ["sequential", "threads", "processes"];
  const query = `set=small&images=4&thumb=128&effort=fast&repeats=3&threads=2&techniques=${ids.join(",")}&autorun=1`;
  const { page, errors } = await open(browser, `${server.url}?${query}`);
  try {
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    assert.equal(await page.getByTestId("input-repeats").inputValue(), "3");
    for (const id of ids) {
      assert.equal(await attr(page, `repeats-${id}`, "data-runs"), "3", id);
      assert.equal(await attr(page, `wall-${id}`, "data-runs"), "3", id);
      const median = await num(page, `wall-${id}`, "data-wall-us");
      const [min, max] = [await num(page, `wall-${id}`, "data-min-us"), await num(page, `wall-${id}`, "data-max-us")];
      assert.ok(min <= median && median <= max, `${id}: ${min} ≤ ${median} ≤ ${max}`);
      // The timeline shows the median run, and everything that reads the run reads that one.
      assert.equal(await num(page, `timeline-${id}`, "data-wall-us"), median, `${id}: timeline is the median run`);
      assert.equal(await num(page, `ideal-${id}`, "data-measured-us"), median, `${id}: ideal schedule of the run shown`);
      assert.equal(await num(page, `summary-${id}`, "data-wall-us"), median, `${id}: summary shows the median`);
      const walls = [];
      for (const k of [1, 2, 3]) walls.push(await num(page, `repeat-${id}-${k}`, "data-wall-us"));
      assert.deepEqual([...walls].sort((a, b) => a - b)[1], median, `${id}: the median of ${walls}`);
      assert.equal(Math.min(...walls), min, id);
      assert.equal(Math.max(...walls), max, id);
      // Another run: its timeline and ideal schedule, the median figure unchanged.
      const k = walls.findIndex((w) => w !== median) + 1;
      assert.ok(k > 0, `${id}: three runs with the same wall ${walls}`);
      await page.getByTestId(`repeat-${id}-${k}`).click();
      await page.waitForFunction(
        ([id, w]) => document.querySelector(`[data-testid=timeline-${id}]`)?.dataset.wallUs === String(w),
        [id, walls[k - 1]],
      );
      assert.equal(await attr(page, `repeat-${id}-${k}`, "aria-pressed"), "true", id);
      assert.equal(await num(page, `ideal-${id}`, "data-measured-us"), walls[k - 1], id);
      assert.equal(await num(page, `wall-${id}`, "data-wall-us"), median, `${id}: the figure stays the median`);
      // Memory and responsiveness of every run.
      assert.ok((await num(page, `memory-${id}`, "data-bytes")) > 0, `${id}: wasm memory`);
      assert.ok((await num(page, `frame-gap-${id}`, "data-ms")) > 0, `${id}: frame gaps`);
    }
    // Processes: one memory per process, so together more than any one of them.
    assert.equal(await attr(page, "memory-processes", "data-instances"), "2");
    const [all, largest] = [await num(page, "memory-processes", "data-bytes"), await num(page, "memory-processes", "data-largest-bytes")];
    assert.ok(largest > 0 && all > largest, `processes: ${all} bytes together, largest ${largest}`);
    assert.equal(await attr(page, "memory-threads", "data-instances"), "1", "threads share one memory");

    // The results file holds every run, so that the medians can be recomputed from it.
    const csv = rows((await download(page, "export-csv")).toString("utf8"));
    assert.equal(csv.length, 9);
    for (const id of ids) {
      const mine = csv.filter((r) => r.technique === id);
      assert.deepEqual(mine.map((r) => [r.repeat, r.repeats]), [["1", "3"], ["2", "3"], ["3", "3"]], id);
      const walls = mine.map((r) => Number(r.wall_ms)).sort((a, b) => a - b);
      const median = (await num(page, `wall-${id}`, "data-wall-us")) / 1000;
      // The card rounds to whole µs, the file to µs in ms.
      assert.ok(Math.abs(walls[1] - median) <= 0.0015, `${id}: ${walls[1]} ms in the file, ${median} ms on the card`);
      assert.ok(Math.abs(Number(mine[0].median_wall_ms) - median) <= 0.0015, id);
      const speedup = Number((await page.getByTestId(`speedup-${id}`).textContent()).replace("×", ""));
      assert.ok(Math.abs(Number(mine[0].median_speedup) - speedup) <= 0.006, `${id}: speedup from medians`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test("sequential on the main thread freezes the page; in a worker it does not", async () => {
  // CPU-heavy: 2000 px photos made into 600 px thumbnails at maximum compression.
  const query = "set=photos&images=2&repeats=1&techniques=sequential,sequential-main&autorun=1";
  const { page, errors } = await open(browser, `${server.url}?${query}`);
  try {
    assert.equal(await settled(page), "done");
    const [main, worker] = [
      await num(page, "frame-gap-sequential-main", "data-ms"),
      await num(page, "frame-gap-sequential", "data-ms"),
    ];
    assert.ok(main > worker, `longest frame gap: ${main} ms on the main thread, ${worker} ms with a worker`);
    assert.ok(
      (await num(page, "frame-gap-sequential-main", "data-dropped")) >
        (await num(page, "frame-gap-sequential", "data-dropped")),
      "more frames dropped on the main thread",
    );
    assert.ok((await num(page, "memory-sequential-main", "data-bytes")) > 0);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test("a cancel between runs keeps the runs made and marks the one it stopped", async () => {
  const query = "set=small&images=8&thumb=128&effort=fast&latency=150&repeats=3&techniques=sequential,cooperative&autorun=1";
  const { page } = await open(browser, `${server.url}?${query}`);
  try {
    // Wait for sequential's second run to be under way, then stop.
    await page.waitForFunction(
      () => {
        const progress = document.querySelector("[data-testid=progress-sequential]");
        return progress?.dataset.run === "2" && Number(progress.getAttribute("value")) >= 1;
      },
      null,
      { timeout: 120_000, polling: 20 },
    );
    await page.getByTestId("cancel-button").click();
    await page.waitForFunction(() => document.documentElement.dataset.runState === "cancelled", null, {
      timeout: 60_000,
    });
    assert.equal(await attr(page, "repeats-sequential", "data-runs"), "2");
    assert.match(await attr(page, "repeat-sequential-2", "class"), /cancelled/);
    assert.ok(await page.getByTestId("repeat-sequential-3").isDisabled(), "the third run never ran");
    // The figures count the complete run only; the timeline still shows it.
    assert.equal(await attr(page, "wall-sequential", "data-runs"), "1");
    assert.equal(
      await num(page, "timeline-sequential", "data-wall-us"),
      await num(page, "repeat-sequential-1", "data-wall-us"),
    );
    assert.equal(await attr(page, "repeats-cooperative", "data-runs"), "1");
  } finally {
    await page.close();
  }
});
