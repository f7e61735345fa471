// A recorded run baked into the embed (?embed=1&trace=…): a talk without network, or in a
// slide that is not cross-origin isolated, still shows a real measurement — threads included —
// labelled as a recording, fitting a 16:9 frame, without running anything.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, browserForFile, recordRun, framingPage, assertFits } from "./support.mjs";

const TECHNIQUES = ["sequential", "threads", "cooperative", "processes"];
const QUERY = `repeats=2&set=small&images=4&thumb=128&effort=fast&threads=2&techniques=${TECHNIQUES.join(",")}`;

const shared = browserForFile();
let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "interleave-embed-"));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Each technique's status, median wall and runs counted, and speedup, as a number. */
function figures(page) {
  return page.evaluate((ids) => {
    const by = (id) => document.querySelector(`[data-testid="${id}"]`);
    return Object.fromEntries(
      ids.map((id) => [
        id,
        {
          status: by(`technique-${id}`)?.dataset.status,
          wallUs: by(`wall-${id}`)?.dataset.wallUs,
          runs: by(`wall-${id}`)?.dataset.runs,
          speedup: parseFloat(by(`speedup-${id}`)?.textContent ?? "") || null,
        },
      ]),
    );
  }, TECHNIQUES);
}

/** Requests that would mean something ran: workers, engine builds, sample images. */
const ran = (urls) => urls.filter((u) => /worker|engine|samples\//.test(u));

/** Waits for the recording in `page` (a page or a frame) and checks what it shows. */
async function showsRecording(page, live, what) {
  const banner = page.getByTestId("recording-banner");
  await banner.waitFor();
  assert.equal(await banner.getAttribute("data-isolated"), "true", what);
  assert.match(await banner.textContent(), /Recording.*2 cores|Recording.*\d+ cores/s, what);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.runState), "done", what);
  assert.deepEqual(await figures(page), live, what);
  for (const id of TECHNIQUES) assert.ok(live[id].speedup > 0, `${what}: ${id} has a speedup`);
}

test("?embed=1&trace= shows a recording offline, fits 16:9, and works framed without isolation", async () => {
  const browser = shared.browser;
  const { live, bytes } = await recordRun(browser, QUERY, figures);
  const file = join(dir, "run.json");
  await writeFile(file, bytes);
  // A host that cannot send isolation headers, with the recording next to the page.
  const app = await serve({ isolated: false, files: { "/talk/run.json": file } });
  try {
    for (const [width, height] of [[1280, 720], [960, 540]]) {
      const context = await browser.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      const errors = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      const requests = [];
      page.on("request", (r) => requests.push(r.url()));
      try {
        await page.goto(`${app.url}?embed=1&trace=talk/run.json`);
        await page.getByTestId("embed").waitFor();
        await showsRecording(page, live, `${width}×${height}`);
        // Threads were recorded where they could run: shown, not marked unavailable.
        assert.equal(await page.evaluate(() => crossOriginIsolated), false);
        assert.equal(await page.getByTestId("technique-threads").getAttribute("data-status"), "done");
        await assertFits(page, TECHNIQUES, `${width}×${height}`);
        assert.deepEqual(ran(requests), [], "nothing ran");
        assert.equal(page.workers().length, 0, "no worker started");
        assert.match(page.url(), /embed=1/);
        assert.match(page.url(), /trace=talk%2Frun\.json/);
        // Back to live runs: the recorded configuration, in the embed, ready to run here.
        await page.getByTestId("leave-recording").click();
        await page.getByTestId("recording-banner").waitFor({ state: "detached" });
        for (const id of TECHNIQUES) assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "waiting");
        assert.ok(await page.getByTestId("run-button").isEnabled());
        assert.doesNotMatch(page.url(), /trace=/);
        assert.match(page.url(), /embed=1/);
        assert.match(page.url(), /repeats=2/);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }

    // In a slide on another origin, without isolation: the same recording, fitting the frame.
    const parent = await framingPage(`${app.url}?embed=1&trace=talk/run.json`, 960, 540);
    const context = await browser.newContext({ viewport: { width: 1000, height: 600 } });
    try {
      const page = await context.newPage();
      await page.goto(parent.url);
      const frame = await (await page.waitForSelector("iframe")).contentFrame();
      assert.notEqual(new URL(frame.url()).origin, new URL(page.url()).origin, "another origin");
      await showsRecording(frame, live, "framed");
      assert.equal(await frame.evaluate(() => crossOriginIsolated), false);
      await assertFits(frame, TECHNIQUES, "framed 960×540");
    } finally {
      await context.close();
      parent.close();
    }

    // A recording that cannot be read: the embed says why, in the frame, and shows nothing
    // stale.
    const context2 = await browser.newContext({ viewport: { width: 960, height: 540 } });
    try {
      const page = await context2.newPage();
      await page.goto(`${app.url}?embed=1&trace=talk/missing.json`);
      const error = page.getByTestId("import-error");
      await error.waitFor();
      assert.match(await error.textContent(), /404/);
      assert.equal(await page.getByTestId("recording-banner").count(), 0);
      await assertFits(page, TECHNIQUES, "missing");
    } finally {
      await context2.close();
    }
  } finally {
    app.close();
  }
});
