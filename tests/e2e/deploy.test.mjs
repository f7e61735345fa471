// End to end: dist/ on a static host that cannot send headers (no COOP/COEP, no CSP). The page
// works at once without threads; its service worker (www/sw.js, registered by www/coi.js) adds
// the isolation headers from the next load on, so one reload brings threads; nothing reloads by
// itself. With the host's own headers the service worker is never registered.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, open, settled, withPage } from "./support.mjs";

// Small and fast, with threads among the techniques: unavailable on the first load, run after.
const QUERY = "repeats=1&set=small&images=4&thumb=128&effort=fast&threads=2&techniques=sequential,cooperative,threads&autorun=1";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const status = (page, id) => page.getByTestId(`technique-${id}`).getAttribute("data-status");
const isolated = (page) => page.evaluate(() => window.crossOriginIsolated);
/** Requests for the page's document itself: one per load of the page. */
const documents = (server) => server.requests.filter((u) => new URL(u, server.url).href.split("?")[0] === server.url).length;
/** The service worker registrations of the page's origin. */
const registrations = (page) => page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length);

test("a host without headers: the page works at once, and one reload brings threads", async () => {
  // In a folder of its host, as a GitHub Pages project is.
  return withPage(browser, { bare: true, folder: "/interleave/" }, `?${QUERY}`, async ({ page, errors, server }) => {
    // First visit: not isolated, the other techniques run, threads say why they cannot.
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    assert.equal(await isolated(page), false);
    for (const id of ["sequential", "cooperative"]) assert.equal(await status(page, id), "done", id);
    assert.equal(await status(page, "threads"), "unavailable");
    // Once its service worker is installed, the page says a reload brings threads, and offers it.
    const line = page.locator('[data-testid="isolation-status"][data-state="ready"]');
    await line.waitFor();
    assert.match(await line.textContent(), /Threads become available after one reload/);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null, "this load stays as it was");
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope);
    assert.equal(scope, server.url, "the service worker covers the site's folder");
    assert.equal(documents(server), 1, "the page did not reload by itself");

    // The reload: the service worker serves the page with COOP/COEP, and threads run.
    await Promise.all([page.waitForEvent("load"), line.getByRole("button", { name: "Reload now" }).click()]);
    await page.evaluate(() => (window.sameDocument = true));
    assert.equal(await settled(page), "done", await page.getByTestId("run-status").textContent());
    assert.equal(await isolated(page), true);
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null));
    for (const id of ["sequential", "cooperative", "threads"]) assert.equal(await status(page, id), "done", id);
    assert.equal(await page.getByTestId("build-threads").textContent(), "threaded");
    assert.equal(await page.getByTestId("isolation-status").count(), 0, "nothing left to say");
    // No loop: the run finished in the document the reload made, and that was the one reload.
    assert.equal(await page.evaluate(() => window.sameDocument), true);
    assert.equal(documents(server), 2);
    // The page's own CSP-free response came back with the headers only the service worker adds.
    assert.equal(await page.evaluate(() => document.documentElement.dataset.coi), "isolated");
    assert.deepEqual(errors, []);
  });
});

test("a host that sends its CSP but no isolation headers: the service worker keeps the CSP", async () => {
  // Registering the service worker is allowed by the strict CSP's worker-src 'self'.
  return withPage(browser, { isolated: false }, "", async ({ page, errors }) => {
    const line = page.locator('[data-testid="isolation-status"][data-state="ready"]');
    await line.waitFor();
    await Promise.all([page.waitForEvent("load"), line.getByRole("button", { name: "Reload now" }).click()]);
    assert.equal(await isolated(page), true);
    assert.deepEqual(errors, []);
    // The host's policy still governs the page the service worker served: a request to another
    // origin is refused by it.
    const violated = await page.evaluate(
      () =>
        new Promise((resolve) => {
          document.addEventListener("securitypolicyviolation", (e) => resolve(e.effectiveDirective), { once: true });
          fetch("http://127.0.0.2:9/").catch(() => {});
        }),
    );
    assert.equal(violated, "connect-src");
  });
});

test("a host without headers: ?coi=0 removes the service worker and keeps it off", async () => {
  return withPage(browser, { bare: true }, "", async ({ page, errors, server }) => {
    await page.locator('[data-testid="isolation-status"][data-state="ready"]').waitFor();
    assert.equal(await registrations(page), 1);
    await page.goto(`${server.url}?coi=0`);
    await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistrations()).length === 0);
    // The parameter is not part of the link, yet the opt-out holds.
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.coi), "off");
    assert.equal(await isolated(page), false);
    assert.equal(await registrations(page), 0);
    assert.equal(await page.getByTestId("isolation-status").count(), 0);
    assert.equal(await page.getByTestId("notice").count(), 0, "coi is no unknown parameter");
    assert.deepEqual(errors, []);
  });
});

test("in a frame, where a reload cannot isolate the page, no service worker is registered", async () => {
  const server = await serve({ bare: true });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    await page.setContent(`<iframe src="${server.url}" width="1200" height="800"></iframe>`);
    const frame = page.frameLocator("iframe");
    await frame.locator("[data-testid=run-button]").waitFor({ state: "attached" });
    const root = frame.locator("html");
    assert.equal(await root.evaluate((e) => e.dataset.coi), "framed");
    // (A frame in a page of an opaque origin gets no service worker API at all.)
    assert.equal(await root.evaluate(async () => (await navigator.serviceWorker?.getRegistrations())?.length ?? 0), 0);
    assert.equal(await frame.locator('[data-testid="isolation-status"]').count(), 0);
    assert.ok(!server.requests.some((u) => u.startsWith("/sw.js")));
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    server.close();
  }
});

test("with the host's own headers the service worker stays out of the way", async () => {
  return withPage(browser, { isolated: true }, `?${QUERY}`, async ({ page, errors, server }) => {
    assert.equal(await settled(page), "done");
    assert.equal(await isolated(page), true);
    assert.equal(await status(page, "threads"), "done");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.coi), "isolated");
    assert.equal(await registrations(page), 0);
    assert.ok(!server.requests.some((u) => u.startsWith("/sw.js")), "never even fetched");
    assert.equal(await page.getByTestId("isolation-status").count(), 0);
    assert.equal(documents(server), 1);
    assert.deepEqual(errors, []);
  });
});
