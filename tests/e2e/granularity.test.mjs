// The granularity knob: where cooperative tasks yield (between stages, every band, every K
// rows) and the global lock's switch interval; in the link, in the form, and in what a run
// shows — cooperative tasks that yield inside stages switch more often.

import { test, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled } from "./support.mjs";

const server = await serve({ isolated: true });
const browser = await launch();
after(async () => {
  await browser.close();
  server.close();
});

const search = (page) => page.evaluate(() => new URLSearchParams(location.search));
const param = async (page, name) => page.evaluate((n) => new URLSearchParams(location.search).get(n), name);

test("the knob round-trips through the link and the form, and a bad value is corrected", async () => {
  const { page, errors } = await open(browser, `${server.url}?yield=rows&rows=8&interval=2&techniques=cooperative`);
  try {
    assert.equal(await page.getByTestId("input-yield").inputValue(), "rows");
    assert.equal(await page.getByTestId("input-rows").inputValue(), "8");
    assert.equal(await page.getByTestId("input-interval").inputValue(), "2");
    assert.match(await page.getByTestId("granularity-note").textContent(), /every 8 rows/);

    await page.getByTestId("input-rows").fill("32");
    await page.getByTestId("input-rows").press("Enter");
    await page.waitForFunction(() => new URLSearchParams(location.search).get("rows") === "32");
    await page.getByTestId("input-yield").selectOption("band");
    await page.waitForFunction(() => new URLSearchParams(location.search).get("yield") === "band");
    assert.equal(await param(page, "rows"), null, "rows only with yield=rows");
    assert.equal(await param(page, "interval"), "2");
    assert.ok(await page.getByTestId("input-rows").isDisabled());
    // Back to rows: the K last used.
    await page.getByTestId("input-yield").selectOption("rows");
    await page.waitForFunction(() => new URLSearchParams(location.search).get("yield") === "rows");
    assert.equal(await page.getByTestId("input-rows").inputValue(), "32");
    await page.getByTestId("input-yield").selectOption("stage");
    await page.waitForFunction(() => !new URLSearchParams(location.search).has("yield"));
    assert.ok(await page.getByTestId("input-interval").isDisabled(), "the interval acts inside stages only");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }

  const bad = await open(browser, `${server.url}?yield=pixel&interval=5000`);
  try {
    // The notices are drawn once the page has started: wait for both.
    await bad.page.waitForFunction(() => {
      const text = [...document.querySelectorAll("[data-testid=notice]")].map((n) => n.textContent).join(" | ");
      return /stage, band or rows/.test(text) && /1000/.test(text);
    });
    const notices = await bad.page.getByTestId("notice").allTextContents();
    assert.ok(notices.some((n) => /stage, band or rows/.test(n)), notices.join(" | "));
    assert.ok(notices.some((n) => /1000/.test(n)), notices.join(" | "));
    assert.equal(await bad.page.getByTestId("input-yield").inputValue(), "stage");
    assert.equal(await bad.page.getByTestId("input-interval").inputValue(), "1000");
  } finally {
    await bad.page.close();
  }
});

/** Runs cooperative tasks alone at `grain` (query parameters); what the card and timeline show. */
async function cooperative(grain) {
  const query = `set=small&images=4&thumb=200&effort=fast&repeats=1&techniques=cooperative&${grain}&autorun=1`;
  const { page, errors } = await open(browser, `${server.url}?${query}`);
  try {
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    const line = page.getByTestId("switches-cooperative");
    const bars = page.getByTestId("timeline-cooperative");
    const result = {
      switches: Number(await line.getAttribute("data-count")),
      text: await line.textContent(),
      // A stage that gave way is running pieces with ready waits of that stage between them.
      waits: await bars.locator("[data-state=ready][data-stage=encode], [data-state=ready][data-stage=resize]").count(),
      gap: Number(await page.getByTestId("frame-gap-cooperative").getAttribute("data-ms")),
    };
    assert.deepEqual(errors, []);
    return result;
  } finally {
    await page.close();
  }
}

test("cooperative tasks yielding every row switch more than yielding between stages", async () => {
  const stage = await cooperative("yield=stage");
  const rows = await cooperative("yield=rows&rows=1");
  assert.equal(stage.waits, 0, "stages run whole");
  assert.ok(rows.waits > 0, "stages gave way inside");
  assert.ok(
    rows.switches > stage.switches,
    `every row: ${rows.switches} switches (${rows.text}); between stages: ${stage.switches} (${stage.text})`,
  );
  assert.ok(Number.isFinite(rows.gap) && rows.gap > 0, `frame gap ${rows.gap}`);
});
