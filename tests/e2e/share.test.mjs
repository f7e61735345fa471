// End to end: links that reproduce a configuration and its views, Copy link, the embed layout
// at slide sizes, the Embed dialog's snippet, and the page inside a non-isolated cross-origin
// iframe (as in most slides).

import { test } from "node:test";
import assert from "node:assert/strict";
import { serve, settled, browserForFile, framingPage, assertFits } from "./support.mjs";

const SMALL = "set=small&images=4&thumb=128&effort=fast&repeats=1";
const ALL = ["sequential", "sequential-main", "threads", "gil", "cooperative", "processes"];

const shared = browserForFile();

/** A fresh context (its own clipboard permissions) and page that records errors. */
async function newPage(server, options = {}) {
  const context = await shared.browser.newContext({ acceptDownloads: true, ...options });
  if (options.clipboard) {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url.replace(/\/$/, "") });
  }
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

const query = (page) => new URL(page.url()).searchParams;

test("a shared link reproduces the configuration and views; changes and Copy link keep it in sync", async () => {
  const server = await serve({ isolated: true });
  const { context, page, errors } = await newPage(server, { clipboard: true, viewport: { width: 1440, height: 900 } });
  try {
    await page.goto(
      `${server.url}?v=2&${SMALL}&threads=2&latency=20&techniques=sequential,threads,cooperative` +
        `&by-image=threads,warp&explain=threads&autorun=1`,
    );
    assert.equal(await settled(page), "done");

    // The controls show the link's values.
    assert.equal(await page.getByTestId("input-set").inputValue(), "small");
    assert.equal(await page.getByTestId("input-images").inputValue(), "4");
    assert.equal(await page.getByTestId("input-thumb").inputValue(), "128");
    assert.equal(await page.getByTestId("input-effort").inputValue(), "fast");
    assert.equal(await page.getByTestId("input-threads").inputValue(), "2");
    assert.equal(await page.getByTestId("input-latency").inputValue(), "20");
    for (const id of ALL) {
      const chosen = ["sequential", "threads", "cooperative"].includes(id);
      assert.equal(await page.getByTestId(`toggle-${id}`).isChecked(), chosen, id);
      assert.equal(await page.getByTestId(`technique-${id}`).count(), chosen ? 1 : 0, id);
    }
    // The views: threads by image, cooperative by thread (the link names only threads), the
    // threads panel open.
    const rows = (id) => page.getByTestId(`timeline-${id}`).getAttribute("data-rows");
    assert.equal(await rows("threads"), "tasks");
    assert.equal(await rows("cooperative"), "lanes");
    assert.equal(await rows("sequential"), "lanes");
    await page.getByTestId("explain-threads").waitFor();
    assert.equal(await page.getByTestId("explain-toggle-threads").getAttribute("aria-expanded"), "true");
    // The unknown technique is corrected, visibly, and gone from the address.
    assert.match(await page.getByTestId("notice").textContent(), /by-image.*warp/s);
    assert.equal(query(page).get("by-image"), "threads");
    assert.equal(query(page).get("explain"), "threads");

    // Changing a control or a view changes the address at once.
    await page.getByTestId("input-images").fill("3");
    await page.getByTestId("input-images").press("Enter");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("images") === "3");
    await page.getByTestId("run-button").click();
    assert.equal(await settled(page), "done");
    await page.getByTestId("rows-sequential").click();
    assert.equal(await rows("sequential"), "tasks");
    assert.equal(query(page).get("by-image"), "sequential,threads");
    await page.getByTestId("explain-toggle-cooperative").click();
    assert.equal(await page.getByTestId("explain-threads").count(), 0, "one panel at a time");
    assert.equal(query(page).get("explain"), "cooperative");
    // An out-of-range value typed in the form is corrected in the field and the address alike.
    await page.getByTestId("input-thumb").fill("5000");
    await page.getByTestId("input-thumb").press("Enter");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("thumb") === "1024");
    assert.equal(await page.getByTestId("input-thumb").inputValue(), "1024");

    // Copy link: the clipboard holds the address, and the page says so.
    await page.getByTestId("copy-link").click();
    await page.getByTestId("copy-link-status").filter({ hasText: /copied/i }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, page.url());
    assert.match(await page.getByTestId("copy-link").textContent(), /copied/i);

    // The copied link, opened afresh, shows the same configuration and views.
    const again = await context.newPage();
    await again.goto(copied);
    assert.equal(await again.getByTestId("input-images").inputValue(), "3");
    assert.equal(await again.getByTestId("input-thumb").inputValue(), "1024");
    assert.equal(await again.getByTestId("toggle-gil").isChecked(), false);
    assert.equal(await again.getByTestId("explain-toggle-cooperative").getAttribute("aria-expanded"), "true");
    assert.equal(await again.getByTestId("notice").count(), 0, "a copied link needs no correction");
    assert.equal(again.url(), copied);

    // A change after copying: the button offers the new link again.
    await page.getByTestId("toggle-gil").check();
    await page.waitForFunction(() => new URL(location.href).searchParams.get("techniques")?.includes("gil"));
    assert.match(await page.getByTestId("copy-link").textContent(), /^Copy link$/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
  }
});

test("the embed layout fits 1280×720 and 960×540 without scrolling, before and after a run", async () => {
  const server = await serve({ isolated: true });
  try {
    for (const [width, height] of [[1280, 720], [960, 540]]) {
      const { context, page, errors } = await newPage(server, { viewport: { width, height } });
      try {
        await page.goto(`${server.url}?${SMALL}&threads=2&embed=1`);
        await page.getByTestId("embed").waitFor();
        await assertFits(page, ALL, `${width}×${height} before`);
        assert.equal(await page.getByTestId("embed-preset").inputValue(), "");
        await page.getByTestId("run-button").click();
        assert.equal(await settled(page), "done");
        await assertFits(page, ALL, `${width}×${height} after`);
        for (const id of ALL) assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "done", id);
        assert.equal(await page.getByTestId("summary").locator('g[data-testid^="summary-"]').count(), ALL.length);
        // Details open over the rows, not below them; the view is in the address.
        await page.getByTestId("explain-toggle-processes").click();
        await page.getByTestId("explain-processes").waitFor();
        assert.equal(query(page).get("explain"), "processes");
        await assertFits(page, ALL, `${width}×${height} explained`);
        await page.getByTestId("explain-close").click();
        assert.equal(await page.getByTestId("explain-processes").count(), 0);
        // A preset from the bar changes the configuration and the address.
        await page.getByTestId("embed-preset").selectOption("io");
        await page.waitForFunction(() => new URL(location.href).searchParams.get("latency") === "250");
        assert.equal(query(page).get("embed"), "1");
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    }
  } finally {
    server.close();
  }
});

test("the Embed dialog gives an iframe snippet of the current configuration", async () => {
  const server = await serve({ isolated: true });
  const { context, page, errors } = await newPage(server, { clipboard: true, viewport: { width: 1440, height: 900 } });
  try {
    await page.goto(`${server.url}?${SMALL}&by-image=threads`);
    await page.getByTestId("embed-button").click();
    const dialog = page.getByTestId("embed-dialog");
    await dialog.waitFor();
    const parse = async () => {
      const text = await page.getByTestId("embed-snippet").inputValue();
      // Parsed here, not in the page: the snippet's style attribute is for the slide's page.
      if (!/^<iframe [^<>]*><\/iframe>$/.test(text)) return null;
      const attr = (name) => text.match(new RegExp(` ${name}="([^"]*)"`))?.[1].replace(/&amp;/g, "&");
      return { src: attr("src"), width: attr("width"), height: attr("height"), allow: attr("allow"), text };
    };
    let frame = await parse();
    assert.ok(frame, "an <iframe> element");
    assert.equal(frame.allow, "cross-origin-isolated");
    assert.deepEqual([frame.width, frame.height], ["960", "540"]);
    let src = new URL(frame.src);
    assert.equal(src.origin + src.pathname, server.url);
    for (const [k, v] of [["set", "small"], ["images", "4"], ["thumb", "128"], ["effort", "fast"], ["by-image", "threads"], ["embed", "1"]])
      assert.equal(src.searchParams.get(k), v, k);
    assert.equal(src.searchParams.get("autorun"), null);

    await page.getByTestId("embed-size").selectOption({ index: 1 });
    await page.getByTestId("embed-autorun").check();
    frame = await parse();
    assert.deepEqual([frame.width, frame.height], ["1280", "720"]);
    src = new URL(frame.src);
    assert.equal(src.searchParams.get("autorun"), "1");

    await page.getByTestId("embed-copy").click();
    await page.getByTestId("embed-status").filter({ hasText: /copied/i }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), frame.text);

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
  }
});

test("inside a non-isolated cross-origin iframe: threads unavailable, said once, the rest runs", async () => {
  const app = await serve({ isolated: false });
  const parent = await framingPage(`${app.url}?${SMALL}&embed=1&autorun=1`);
  const { context, page, errors } = await newPage(app, { viewport: { width: 1000, height: 600 } });
  try {
    await page.goto(parent.url);
    const frame = await (await page.waitForSelector("iframe")).contentFrame();
    await frame.waitForFunction(() => document.documentElement.dataset.runState === "done", null, { timeout: 240_000, polling: 100 });
    assert.notEqual(new URL(frame.url()).origin, new URL(page.url()).origin, "another origin");
    assert.equal(await frame.evaluate(() => crossOriginIsolated), false);

    // Said once, at the top, naming both conditions.
    const notice = frame.getByTestId("isolation-notice");
    assert.equal(await notice.count(), 1);
    const text = await notice.textContent();
    assert.match(text, /Cross-Origin-Opener-Policy/);
    assert.match(text, /embedding page/);
    assert.match(text, /allow="cross-origin-isolated"/);
    const noticeBox = await notice.boundingBox();
    assert.ok(noticeBox.y < 120, `near the top: ${noticeBox.y}`);
    assert.equal(await frame.getByText("Cross-Origin-Opener-Policy").count(), 1, "not repeated");
    for (const id of ["threads", "gil"]) {
      assert.equal(await frame.getByTestId(`technique-${id}`).getAttribute("data-status"), "unavailable");
      const short = await frame.getByTestId(`unavailable-${id}`).textContent();
      assert.ok(short.length < 90 && /unavailable/i.test(short), `${id}: ${short}`);
    }
    for (const id of ["sequential", "sequential-main", "cooperative", "processes"]) {
      assert.equal(await frame.getByTestId(`technique-${id}`).getAttribute("data-status"), "done", id);
      assert.match(await frame.getByTestId(`wall-${id}`).textContent(), /^\d+ ms$/, id);
    }

    const full = await frame.getByTestId("open-full").getAttribute("href");
    assert.equal(new URL(full).searchParams.get("embed"), null, "the full page is not the embed");
    assert.equal(new URL(full).searchParams.get("images"), "4");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    parent.close();
    app.close();
  }
});

test("a page that is not isolated says why once, calmly, and marks threads unavailable", async () => {
  const server = await serve({ isolated: false });
  const { context, page, errors } = await newPage(server, { viewport: { width: 1280, height: 720 } });
  try {
    await page.goto(`${server.url}?${SMALL}&techniques=sequential,threads,gil&autorun=1`);
    assert.equal(await settled(page), "done");
    const notice = page.getByTestId("isolation-notice");
    assert.equal(await notice.count(), 1);
    assert.match(await notice.textContent(), /Cross-Origin-Embedder-Policy.*embedding page/s);
    const box = await notice.boundingBox();
    assert.ok(box.y + box.height <= 720, "above the fold");
    assert.equal(await page.getByText("Cross-Origin-Embedder-Policy").count(), 1, "not repeated");
    for (const id of ["threads", "gil"]) assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "unavailable");
    assert.equal(await page.getByTestId("technique-sequential").getAttribute("data-status"), "done");

    // Copy link where there is no clipboard (as on a plain-http address): the link, selected.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined }));
    await page.reload();
    await page.getByTestId("copy-link").click();
    const field = page.getByTestId("copy-link-field");
    await field.waitFor();
    assert.equal(await field.inputValue(), page.url());
    assert.equal(await field.evaluate((f) => f.selectionEnd - f.selectionStart), page.url().length);
    assert.match(await page.getByTestId("copy-link-status").textContent(), /Ctrl\+C/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
  }
});
