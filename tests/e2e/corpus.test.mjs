// End to end: the generated corpus of unusual and hostile files (`cargo xtask corpus` writes
// target/corpus/ and its manifest.json) dropped on the built page. Every valid file becomes a
// thumbnail of the expected size; every hostile one fails alone, in its tile, in plain words.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { serve, launch, open, settled } from "./support.mjs";

const CORPUS = resolve(import.meta.dirname, "../../target/corpus");
const TYPES = { ".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp" };
// Isolated, so the threaded technique runs too.
const TECHNIQUES = ["sequential", "threads", "cooperative", "processes"];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The manifest, or a message saying how to make it. */
async function manifest() {
  try {
    return JSON.parse(await readFile(`${CORPUS}/manifest.json`, "utf8"));
  } catch (e) {
    throw new Error(`no corpus in ${CORPUS}: run \`cargo xtask corpus\` first (${e.message})`);
  }
}

/** A selector for the tile of `name` (the UI sets data-name to the file name). */
const tile = (testId, name) => `[data-testid="${testId}"][data-name="${name.replaceAll('"', '\\"')}"]`;

test("unusual files become thumbnails; hostile ones fail alone, in plain words", async () => {
  const cases = await manifest();
  const files = await Promise.all(
    cases.map(async (c) => ({
      name: c.name,
      mimeType: TYPES[extname(c.name)] ?? "application/octet-stream",
      buffer: await readFile(`${CORPUS}/${c.name}`),
    })),
  );
  const server = await serve({ isolated: true });
  // The manifest's sizes are for the corpus's 256 px thumbnails.
  const { page, errors } = await open(browser, `${server.url}?repeats=1&threads=2&thumb=256&effort=fast&techniques=${TECHNIQUES.join(",")}`);
  try {
    await page.getByTestId("file-input").setInputFiles(files);
    assert.match(await page.getByTestId("own-files").textContent(), new RegExp(`${cases.length} image`));
    await page.getByTestId("run-button").click();
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    for (const id of TECHNIQUES) {
      assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "done", id);
    }

    const problems = [];
    for (const c of cases) {
      if (c.expect === "ok") {
        const img = page.locator(tile("thumb", c.name)).first();
        if ((await img.count()) === 0) {
          const shown = await page.locator(tile("thumb-error", c.name)).first().textContent().catch(() => "nothing");
          problems.push(`${c.name}: no thumbnail (shown: ${shown})`);
          continue;
        }
        const size = await img.evaluate((el) => [el.width, el.height]);
        if (size[0] !== c.width || size[1] !== c.height) {
          problems.push(`${c.name}: thumbnail ${size.join("×")}, want ${c.width}×${c.height}`);
        }
      } else {
        const error = page.locator(tile("thumb-error", c.name)).first();
        if ((await error.count()) === 0) {
          problems.push(`${c.name}: no error tile`);
          continue;
        }
        const text = await error.textContent();
        if (!text.includes(c.name) || !text.includes(c.message)) {
          problems.push(`${c.name}: tile says “${text}”, want the name and “${c.message}”`);
        }
        for (const word of ["Format error", "cannot decode"]) {
          if (text.includes(word)) problems.push(`${c.name}: tile says “${text}”, not plain words`);
        }
      }
    }
    assert.deepEqual(problems, []);
    const ok = cases.filter((c) => c.expect === "ok").length;
    assert.equal(await page.locator('[data-testid="thumb"]').count(), ok, "one thumbnail per valid file");
    assert.equal(
      await page.locator('[data-testid="thumb-error"]').count(),
      cases.length - ok,
      "one error tile per hostile file",
    );
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});
