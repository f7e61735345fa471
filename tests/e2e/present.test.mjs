// Presenter mode and the page's accessibility: stepping with the keys a clicker sends (the URL
// follows), `R` running one step, Esc leaving; at 1280×720 no horizontal scrolling and no text
// under 18 px; both colour schemes legible; the keyboard reaching the controls and the
// timeline's bars; status and progress announced.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled, withPage } from "./support.mjs";

const SMALL = "repeats=1&set=small&images=4&thumb=128&effort=fast";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const step = (page) => page.getByTestId("presenter-step").getAttribute("data-step");
const urlStep = (page) => new URL(page.url()).searchParams.get("step") ?? "0";

/** Presses `key` and waits until the step shown and the URL's step are both `to`. */
async function press(page, key, to) {
  await page.keyboard.press(key);
  await page.waitForFunction(
    (to) =>
      document.querySelector('[data-testid="presenter-step"]')?.dataset.step === to &&
      (new URL(location.href).searchParams.get("step") ?? "0") === to,
    String(to),
  );
  assert.equal(await step(page), String(to));
  assert.equal(urlStep(page), String(to));
}

/** What breaks a projector's legibility: the page scrolling sideways, and visible text under
 * 18 px (HTML and SVG text alike; an SVG's <title> is a tooltip, never drawn). */
function legibility(page) {
  return page.evaluate(() => {
    const small = [];
    const root = document.querySelector('[data-testid="presenter"]');
    for (const el of root.querySelectorAll("*")) {
      if (el.closest("title")) continue;
      const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!text || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") continue;
      const px = parseFloat(style.fontSize);
      if (px < 18) small.push(`${el.tagName.toLowerCase()}.${el.className?.baseVal ?? el.className}: ${px}px “${el.textContent.trim().slice(0, 30)}”`);
    }
    const doc = document.documentElement;
    return { small, sideways: doc.scrollWidth - doc.clientWidth };
  });
}

test("presenter mode steps with the keys, R runs a step, nothing is small or scrolls sideways, Esc leaves", async () => {
  // Not cross-origin isolated, as in a slide's iframe: the threads step says why it cannot run.
  const server = await serve({ isolated: false });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.goto(`${server.url}?${SMALL}&techniques=sequential,threads,cooperative&present=1`);
    await page.getByTestId("presenter").waitFor();
    assert.equal(await step(page), "0");
    assert.ok(await page.getByTestId("presenter-step").getByTestId("primer").isVisible(), "step 0 is the primer");
    assert.match(await page.getByTestId("presenter-title").textContent(), /Interleave/);
    assert.deepEqual(await legibility(page), { small: [], sideways: 0 }, "the primer step");

    await press(page, "ArrowRight", 1);
    assert.match(await page.getByTestId("presenter-title").textContent(), /^Sequential/);
    await press(page, "PageDown", 2);
    assert.match(await page.getByTestId("presenter-title").textContent(), /^Threads/);
    assert.match(await page.getByTestId("unavailable-threads").textContent(), /cross-origin isolated/);
    assert.ok(await page.getByTestId("code-threads").isVisible(), "the code of the step");
    assert.deepEqual(await legibility(page), { small: [], sideways: 0 }, "the threads step");
    await press(page, "PageUp", 1);
    await press(page, "ArrowLeft", 0);
    await press(page, "ArrowLeft", 0); // the first step stays the first

    // R on the cooperative step runs it, after sequential (its baseline); the others wait.
    await press(page, "End", 4);
    await press(page, "ArrowLeft", 3);
    assert.match(await page.getByTestId("presenter-title").textContent(), /^Cooperative/);
    assert.equal(await page.getByTestId("technique-cooperative").getAttribute("data-status"), "waiting");
    await page.keyboard.press("r");
    assert.equal(await settled(page), "done");
    assert.equal(await page.getByTestId("technique-cooperative").getAttribute("data-status"), "done");
    assert.match(await page.getByTestId("speedup-cooperative").textContent(), /^\d+\.\d\d×$/, "sequential ran too");
    assert.equal(urlStep(page), "3", "running keeps the step");
    assert.ok(await page.getByTestId("timeline-cooperative").locator("rect[data-task]").count() >= 16);
    const switches = page.getByTestId("switches-cooperative");
    assert.ok(Number(await switches.getAttribute("data-count")) > 0, await switches.textContent());
    assert.deepEqual(await legibility(page), { small: [], sideways: 0 }, "the cooperative step, run");
    // By image too.
    await page.getByTestId("rows-cooperative").click();
    assert.deepEqual(await legibility(page), { small: [], sideways: 0 }, "the cooperative step by image");

    // The summary step: threads never ran here, the other two did.
    await press(page, "ArrowRight", 4);
    assert.ok(await page.getByTestId("summary-cooperative").count(), "cooperative in the summary");
    assert.ok(await page.getByTestId("summary-sequential").count(), "sequential in the summary");
    assert.deepEqual(await legibility(page), { small: [], sideways: 0 }, "the summary step");

    // Esc leaves presenter mode (it does not cancel anything) and the link forgets it.
    await page.keyboard.press("Escape");
    await page.getByTestId("presenter").waitFor({ state: "detached" });
    assert.equal(new URL(page.url()).searchParams.get("present"), null);
    assert.equal(new URL(page.url()).searchParams.get("step"), null);
    assert.equal(await page.getByTestId("technique-cooperative").getAttribute("data-status"), "done");
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});

test("a bad step is corrected with a notice", async () => {
  return withPage(browser, { isolated: false }, `?${SMALL}&techniques=sequential&present=1&step=9`, async ({ page }) => {
    await page.getByTestId("presenter").waitFor();
    assert.equal(await step(page), "2", "the last step: the summary");
    assert.match(await page.getByTestId("notice").textContent(), /past the last step/);
  });
});

/** WCAG contrast of two `rgb(…)` colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test("light and dark themes both render with legible text, on the page and in presenter mode", async () => {
  const server = await serve({ isolated: false });
  const seen = {};
  try {
    for (const colorScheme of ["light", "dark"]) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme });
      try {
        for (const mode of ["page", "presenter"]) {
          await page.goto(`${server.url}?${SMALL}${mode === "presenter" ? "&present=1&step=1" : ""}`);
          await page.getByTestId("run-status").waitFor();
          const colours = await page.evaluate(() => {
            const bg = getComputedStyle(document.documentElement).backgroundColor;
            const pick = (sel) => {
              const el = document.querySelector(sel);
              return el && { sel, fg: getComputedStyle(el).color };
            };
            const card = document.querySelector(".card");
            return {
              bg,
              card: card && getComputedStyle(card).backgroundColor,
              texts: [pick("h1"), pick('[data-testid="run-status"]'), pick(".describe"), pick(".tagline"), pick(".legend em")]
                .filter(Boolean),
            };
          });
          seen[`${colorScheme} ${mode}`] = colours.bg;
          for (const { sel, fg } of colours.texts) {
            const ratio = contrast(fg, colours.bg);
            assert.ok(ratio >= 4.5, `${colorScheme} ${mode}: ${sel} ${fg} on ${colours.bg} is ${ratio.toFixed(2)}:1`);
            if (colours.card) {
              assert.ok(contrast(fg, colours.card) >= 4.5, `${colorScheme} ${mode}: ${sel} on a card`);
            }
          }
        }
      } finally {
        await page.close();
      }
    }
    assert.notEqual(seen["light page"], seen["dark page"]);
    assert.notEqual(seen["light presenter"], seen["dark presenter"]);
  } finally {
    server.close();
  }
});

test("the keyboard reaches the run button, the presets and the timeline's bars; status and progress are announced", async () => {
  const server = await serve({ isolated: false });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // Every progress bar the page shows, as it was when it appeared.
  await page.addInitScript(() => {
    window.progressBars = [];
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes)
          for (const p of n.querySelectorAll ? [n, ...n.querySelectorAll("progress")] : [])
            if (p.tagName === "PROGRESS")
              window.progressBars.push(Object.fromEntries(["role", "aria-label", "aria-valuenow", "aria-valuemax"].map((a) => [a, p.getAttribute(a)])));
    }).observe(document, { childList: true, subtree: true });
  });
  try {
    await page.goto(`${server.url}?${SMALL}&techniques=sequential,cooperative,processes&autorun=1`);
    assert.equal(await page.getByTestId("run-status").getAttribute("aria-live"), "polite");
    assert.equal(await settled(page), "done");
    const bars = await page.evaluate(() => window.progressBars);
    assert.ok(bars.length > 0, "progress was shown");
    for (const b of bars) {
      assert.equal(b.role, "progressbar");
      assert.match(b["aria-label"], /images done/);
      assert.match(b["aria-valuenow"], /^\d+$/);
      assert.match(b["aria-valuemax"], /^4$/);
    }

    const reached = new Set();
    let bar = null;
    for (let i = 0; i < 120 && !(reached.has("run-button") && reached.has("preset-io") && bar); i++) {
      await page.keyboard.press("Tab");
      const at = await page.evaluate(() => {
        const el = document.activeElement;
        return {
          id: el?.dataset?.testid ?? null,
          bar: el?.tagName === "rect" && el.dataset.task !== undefined ? el.getAttribute("aria-label") : null,
        };
      });
      if (at.id) reached.add(at.id);
      if (at.bar) bar = at.bar;
    }
    assert.ok(reached.has("run-button") && reached.has("preset-io"), [...reached].join(", "));
    assert.ok(bar, "a timeline bar took the focus");
    assert.match(bar, /image \d+ · \w+ · (running|blocked|ready)/);
    // The arrow keys move along the bars.
    await page.keyboard.press("ArrowRight");
    const next = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
    assert.ok(next && next !== bar, `${bar} then ${next}`);
    // The preset works from the keyboard.
    await page.getByTestId("preset-io").focus();
    await page.keyboard.press("Enter");
    assert.equal(await page.getByTestId("preset-io").getAttribute("aria-pressed"), "true");
  } finally {
    await page.close();
    server.close();
  }
});
