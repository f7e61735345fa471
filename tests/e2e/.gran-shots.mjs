// Screenshots of the granularity fieldset (not a test): node tests/e2e/.gran-shots.mjs
import { serve, launch } from "./support.mjs";
const server = await serve({ isolated: true });
const browser = await launch();
const query = process.argv[2] ?? "yield=rows&rows=8&interval=2";
const tag = process.argv[3] ?? "form";
for (const [w, h] of [[1440, 900], [1280, 720]]) {
  for (const scheme of ["light", "dark"]) {
    const page = await browser.newPage({ viewport: { width: w, height: h }, colorScheme: scheme });
    await page.goto(`${server.url}?${query}`);
    const el = page.getByTestId(process.argv[4] ?? "input-yield");
    await el.waitFor();
    await el.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, -200));
    if (process.argv[5]) {
      await page.waitForFunction(() => ["done", "failed"].includes(document.documentElement.dataset.runState), null, { timeout: 240000 });
      await page.getByTestId(process.argv[4]).scrollIntoViewIfNeeded();
    }
    await page.screenshot({ path: `/tmp/gran-shots/${tag}-${w}x${h}-${scheme}.png` });
    await page.close();
  }
}
await browser.close();
server.close();
