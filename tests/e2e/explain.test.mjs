// Each technique explained: its panel opens from its card, shows the engine's own code (checked
// against the source files on disk) with the deciding lines marked and a description quoting
// this run; the summary compares every finished technique and marks the winner.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { serve, launch, settled } from "./support.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const IDS = ["sequential", "sequential-main", "threads", "gil", "cooperative", "processes"];
const KEY = "// explain:key";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The file's lines as the page may show them: marker lines dropped, trailing markers cut. */
async function sourceLines(path) {
  const text = await readFile(resolve(ROOT, path), "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== KEY)
    .map((l) => (l.endsWith(KEY) ? l.slice(0, -KEY.length).trimEnd() : l));
}

/** Whether `shown` is a run of consecutive lines of `source`, less one common indentation. */
function isVerbatim(shown, source) {
  for (let k = 0; k + shown.length <= source.length; k++) {
    const first = source[k];
    if (!first.endsWith(shown[0]) || first.slice(0, first.length - shown[0].length).trim() !== "") continue;
    const indent = first.slice(0, first.length - shown[0].length);
    const same = (line, src) => (line === "" ? src.trim() === "" : src === indent + line);
    if (shown.every((line, j) => same(line, source[k + j]))) return true;
  }
  return false;
}

test("every technique's panel shows its real code and this run's figures; the summary names a winner", async () => {
  const server = await serve({ isolated: true });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.violatedDirective));
  });
  try {
    await page.goto(`${server.url}?set=small&images=4&thumb=128&effort=fast&threads=2&repeats=1&autorun=1`);
    assert.equal(await settled(page), "done");

    const walls = {};
    for (const id of IDS) {
      assert.equal(await page.getByTestId(`technique-${id}`).getAttribute("data-status"), "done", id);
      const toggle = page.getByTestId(`explain-toggle-${id}`);
      assert.equal(await page.getByTestId(`explain-${id}`).count(), 0, `${id}: closed at first`);
      await toggle.click();
      assert.equal(await toggle.getAttribute("aria-expanded"), "true");
      await page.getByTestId(`explain-${id}`).waitFor();

      // The code: at least a dozen lines, each block verbatim from the file it names.
      const code = page.getByTestId(`code-${id}`);
      let total = 0;
      for (const block of await code.locator("code[data-path]").all()) {
        const path = await block.getAttribute("data-path");
        const shown = await block.locator(".line").allTextContents();
        assert.ok(isVerbatim(shown, await sourceLines(path)), `${id}: not verbatim from ${path}:\n${shown.join("\n")}`);
        total += shown.length;
      }
      assert.ok(total >= 12, `${id}: ${total} lines`);
      assert.ok((await code.locator(".line.key").count()) >= 1, `${id}: no marked line`);
      assert.ok((await code.locator(".tok-kw").count()) >= 1, `${id}: not highlighted`);

      // The description quotes this run: the wall time on the card.
      const wall = page.getByTestId(`wall-${id}`);
      walls[id] = Number(await wall.getAttribute("data-wall-us"));
      const wallText = (await wall.textContent()).trim();
      const description = await page.getByTestId(`describe-${id}`).textContent();
      assert.ok(description.includes(wallText), `${id}: "${wallText}" not in: ${description}`);
      assert.match(description, /speed|efficiency/i);

      await toggle.click();
      assert.equal(await page.getByTestId(`explain-${id}`).count(), 0, `${id}: closes again`);
    }

    // The summary: one bar per finished technique, its wall time the card's, the fastest marked.
    const summary = page.getByTestId("summary");
    const entries = summary.locator('g[data-testid^="summary-"]');
    assert.equal(await entries.count(), IDS.length);
    const winners = [];
    for (const id of IDS) {
      const entry = summary.getByTestId(`summary-${id}`);
      assert.equal(Number(await entry.getAttribute("data-wall-us")), walls[id], id);
      if ((await entry.getAttribute("data-winner")) === "true") winners.push(id);
    }
    assert.equal(winners.length, 1, `one winner: ${winners}`);
    assert.equal(walls[winners[0]], Math.min(...Object.values(walls)));
    assert.match(await summary.getByTestId(`summary-${winners[0]}`).textContent(), /fastest/);

    assert.deepEqual(await page.evaluate(() => window.violations), [], "no CSP violation");
    assert.deepEqual(errors, [], "no console errors");
  } finally {
    await page.close();
    server.close();
  }
});
