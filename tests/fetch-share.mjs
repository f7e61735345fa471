// Prints the share of sequential's wall time spent fetching, and the CPU time per image of
// sequential (worker) and cooperative tasks, per query (a measurement, not a test). Usage:
// node tests/fetch-share.mjs "set=photos&thumb=512&effort=max" ... after `cargo xtask dist`.
import { serve, launch, open, settled, exportTrace, spansOf, taskSpans } from "./e2e/support.mjs";

const browser = await launch();
const server = await serve({ isolated: true });
try {
  for (const query of process.argv.slice(2)) {
    const { page } = await open(browser, `${server.url}?${query}&techniques=sequential,cooperative&repeats=1&autorun=1`);
    await settled(page);
    const trace = await exportTrace(page);
    for (const name of ["Sequential", "Cooperative tasks"]) {
      const spans = spansOf(trace, name);
      const fetch = taskSpans(spans, "blocked", ["fetch"]).reduce((a, s) => a + s.dur, 0);
      const cpu = taskSpans(spans, "running", ["decode", "resize", "encode"]).reduce((a, s) => a + s.dur, 0);
      const tasks = new Set(spans.map((s) => s.args.task)).size;
      const wall = Math.max(...spans.map((s) => s.ts + s.dur)) - Math.min(...spans.map((s) => s.ts));
      // Cooperative tasks' waits overlap each other: their sum is no share of the wall time.
      const share = name === "Sequential" ? `fetch ${((100 * fetch) / wall).toFixed(1)} % of wall, ` : "";
      console.log(`${query} ${name}: wall ${(wall / 1000).toFixed(0)} ms, ${share}CPU per image ${(cpu / tasks / 1000).toFixed(1)} ms`);
    }
    await page.close();
  }
} finally {
  server.close();
  await browser.close();
}
