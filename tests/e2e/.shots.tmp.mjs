import { writeFile } from "node:fs/promises";
import { serve, launch, recordRun } from "./support.mjs";
const QUERY = "repeats=2&set=small&images=6&thumb=128&effort=fast&threads=2&techniques=sequential,sequential-main,threads,cooperative,processes";
const browser = await launch();
const { bytes } = await recordRun(browser, QUERY);
await writeFile("/tmp/shots/run.json", bytes);
const app = await serve({ isolated: false, files: { "/talk/run.json": "/tmp/shots/run.json" } });
for (const scheme of ["light", "dark"]) {
  for (const [w, h] of [[1440, 900], [1280, 720]]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, colorScheme: scheme });
    const page = await ctx.newPage();
    await page.goto(`${app.url}?trace=talk/run.json`);
    await page.getByTestId("recording-banner").waitFor();
    await page.screenshot({ path: `/tmp/shots/replay-top-${w}-${scheme}.png` });
    await page.getByTestId("frame-gap-sequential-main").scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector('[data-testid="technique-sequential-main"]').scrollIntoView());
    await page.screenshot({ path: `/tmp/shots/replay-panels-${w}-${scheme}.png` });
    await page.goto(`${app.url}?embed=1&trace=talk/run.json`);
    await page.getByTestId("recording-banner").waitFor();
    await page.screenshot({ path: `/tmp/shots/embed-${w}-${scheme}.png` });
    await ctx.close();
  }
}
app.close();
await browser.close();
