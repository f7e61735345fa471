// The page under its strict Content Security Policy (the one `trunk serve` sends, Trunk.toml):
// every technique runs, own files included, nothing is requested from another origin, and text
// from users (file names, URL parameters) is shown as text, never as markup.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CSP, serve, launch, settled } from "./support.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const HOSTILE_NAME = `<img src=x onerror="window.pwned=1">.jpg`;
const HOSTILE_PARAM = "<b>bold</b>";

test("strict CSP: every technique runs on own files, same origin only, user text stays text", async () => {
  const server = await serve({ isolated: true });
  const page = await browser.newPage();
  const errors = [];
  const requests = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  try {
    const query = `repeats=1&threads=2&thumb=96&effort=fast&${encodeURIComponent(HOSTILE_PARAM)}=1`;
    const response = await page.goto(`${server.url}?${query}`);
    assert.equal(response.headers()["content-security-policy"], CSP);
    assert.match(CSP, /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'/);

    // A hostile URL parameter is named in the notice as text.
    const notice = page.getByTestId("notice");
    assert.match(await notice.textContent(), /<b>bold<\/b>/);
    assert.equal(await notice.locator("b").count(), 0, "no markup from the link");

    const samples = resolve(import.meta.dirname, "../../dist/samples");
    await page.getByTestId("file-input").setInputFiles([
      { name: HOSTILE_NAME, mimeType: "image/jpeg", buffer: await readFile(`${samples}/small/00.jpg`) },
      { name: "b.png", mimeType: "image/png", buffer: await readFile(`${samples}/mixed/00.png`) },
    ]);
    await page.getByTestId("run-button").click();
    assert.equal(await settled(page), "done");
    for (const id of ["sequential", "sequential-main", "threads", "gil", "cooperative", "processes"]) {
      assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "done", id);
    }

    // The hostile name is a tile's name, not an element.
    const thumbs = page.getByTestId("thumb");
    assert.equal(await thumbs.count(), 2);
    assert.equal(await thumbs.first().getAttribute("data-name"), HOSTILE_NAME);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);

    // Thumbnails are painted (no blob: or data: image, which the CSP refuses).
    const painted = await thumbs.first().evaluate(async (canvas) => {
      for (let i = 0; i < 100; i++) {
        const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
        if (data.some((v, j) => j % 4 === 3 && v > 0)) return true;
        await new Promise((ok) => requestAnimationFrame(ok));
      }
      return false;
    });
    assert.ok(painted, "the thumbnail was drawn");

    const origin = new URL(server.url).origin;
    const elsewhere = requests.filter((u) => new URL(u).origin !== origin);
    assert.deepEqual(elsewhere, [], "no request to another origin");
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});
