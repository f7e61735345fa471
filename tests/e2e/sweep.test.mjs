// The N sweep: threads and processes at every N from 1 to twice the cores, against sequential,
// drawn next to Amdahl's law with the serial fraction Karp–Flatt gives, from a link or a click.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled } from "./support.mjs";

const isolated = await serve({ isolated: true });
const plain = await serve({ isolated: false });
const browser = await launch();
after(async () => {
  await browser.close();
  isolated.close();
  plain.close();
});

const SMALL = "set=small&images=4&thumb=128&effort=fast&repeats=1";
const num = async (page, id, name) => Number(await page.getByTestId(id).getAttribute(name));

test("sweep=1 in the link: Run sweeps N, one point per technique and N, a serial fraction in 0..1", async () => {
  const { page, errors } = await open(browser, `${isolated.url}?${SMALL}&techniques=sequential&sweep=1&autorun=1`);
  try {
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const max = Math.min(2 * cores, 16);
    const chart = page.getByTestId("amdahl-chart");
    assert.equal(Number(await chart.getAttribute("data-max-n")), max);
    assert.equal(Number(await chart.getAttribute("data-points")), 2 * max, "threads and processes at every N");
    for (const id of ["threads", "processes"]) {
      for (let n = 1; n <= max; n++) {
        const point = `sweep-point-${id}-${n}`;
        assert.equal(await num(page, point, "data-workers"), n);
        assert.ok((await num(page, point, "data-speedup")) > 0, `${point}: a speedup`);
        assert.ok((await num(page, point, "data-wall-us")) > 0, `${point}: a wall`);
        assert.equal(await page.getByTestId(point).getAttribute("data-oversubscribed"), String(n > cores), point);
      }
    }
    const serial = await num(page, "serial-fraction", "data-value");
    assert.ok(serial >= 0 && serial <= 1, `serial fraction ${serial}`);
    const [lo, hi] = [await num(page, "serial-fraction", "data-min"), await num(page, "serial-fraction", "data-max")];
    assert.ok(lo <= hi, `spread ${lo}–${hi}`);
    for (const id of ["threads", "processes"]) {
      const v = await num(page, `serial-fraction-${id}`, "data-value");
      assert.ok(v >= 0 && v <= 1, `${id}: ${v}`);
    }
    // The technique run before the sweep keeps its card; the link keeps the sweep.
    assert.equal(await page.getByTestId("technique-sequential").getAttribute("data-status"), "done");
    assert.match(page.url(), /[?&]sweep=1(&|$)/);
    // Points can be reached from the keyboard and say what they are.
    const label = await page.getByTestId(`sweep-point-threads-1`).getAttribute("aria-label");
    assert.match(label, /N = 1.*×/);

    // The exported trace carries the sweep: a fresh page replays the same chart and figures.
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-trace").click()]);
    const replay = await browser.newPage();
    try {
      await replay.goto(isolated.url);
      await replay.getByTestId("import-trace").setInputFiles(await file.path());
      await replay.getByTestId("recording-banner").waitFor();
      for (const id of ["amdahl-chart"]) {
        assert.equal(await replay.getByTestId(id).getAttribute("data-points"), await page.getByTestId(id).getAttribute("data-points"));
      }
      assert.equal(await num(replay, "serial-fraction", "data-value"), serial);
      assert.equal(await num(replay, `sweep-point-processes-${max}`, "data-speedup"), await num(page, `sweep-point-processes-${max}`, "data-speedup"));
      assert.ok(await replay.getByTestId("sweep-run").isDisabled(), "a recording is not swept again");
    } finally {
      await replay.close();
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test("without isolation the sweep button sweeps processes alone, says why threads are not swept, and keeps the cards", async () => {
  const { page, errors } = await open(browser, `${plain.url}?${SMALL}&techniques=sequential&autorun=1`);
  try {
    assert.equal(await settled(page), "done");
    const wall = await num(page, "wall-sequential", "data-wall-us");
    await page.getByTestId("sweep-run").click();
    await page.getByTestId("sweep-progress").waitFor();
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const max = Math.min(2 * cores, 16);
    assert.equal(Number(await page.getByTestId("amdahl-chart").getAttribute("data-points")), max, "processes only");
    assert.match(await page.getByTestId("sweep-skipped-threads").textContent(), /isolat/i);
    assert.ok((await num(page, `sweep-point-processes-${max}`, "data-speedup")) > 0);
    assert.equal(await num(page, "wall-sequential", "data-wall-us"), wall, "the card's run stays");
    // Ticking "Run sweeps too" puts it in the link and keeps every result.
    await page.getByTestId("input-sweep").check();
    await page.waitForFunction(() => /[?&]sweep=1(&|$)/.test(location.search));
    assert.equal(await num(page, "wall-sequential", "data-wall-us"), wall);
    assert.ok((await num(page, `sweep-point-processes-${max}`, "data-speedup")) > 0, "the sweep stays too");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test("a sweep stops on Cancel and keeps the points it measured", async () => {
  const { page, errors } = await open(browser, `${isolated.url}?${SMALL}&techniques=sequential`);
  try {
    await page.getByTestId("sweep-run").click();
    // Cancel once the first swept technique has a point.
    await page.waitForFunction(() => document.querySelector("[data-testid=sweep-progress]")?.dataset.done >= 3, null, {
      timeout: 120_000,
    });
    await page.getByTestId("cancel-button").click();
    await page.waitForFunction(() => document.documentElement.dataset.runState === "cancelled", null, { timeout: 30_000 });
    assert.ok(Number(await page.getByTestId("amdahl-chart").getAttribute("data-points")) >= 1);
    assert.equal(await page.getByTestId("sweep-progress").count(), 0, "no progress once stopped");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test("embedded with sweep=1, the slide shows the scaling chart and does not scroll", async () => {
  const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.goto(`${isolated.url}?${SMALL}&techniques=sequential&sweep=1&embed=1&autorun=1`);
    assert.equal(await settled(page), "done");
    const chart = page.getByTestId("amdahl-chart");
    assert.ok(await chart.isVisible(), "the chart is on the slide");
    assert.ok(Number(await chart.getAttribute("data-points")) > 0);
    const box = await chart.boundingBox();
    assert.ok(box.y + box.height <= 540 + 1, `the chart ends at ${box.y + box.height} px`);
    const scrolls = await page.evaluate(() => {
      const e = document.scrollingElement;
      return e.scrollHeight > innerHeight || e.scrollWidth > innerWidth;
    });
    assert.equal(scrolls, false, "no scrollbars");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
