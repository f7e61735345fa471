// What the peers benchmark measures besides wall time: the CPU time Chromium spends, and what a
// first visit to the page downloads and how soon it can be used.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { open, serve } from "../e2e/support.mjs";

const TICKS_PER_S = 100; // USER_HZ on Linux

/** User + system CPU seconds of every process below this one (Chromium's browser, renderer,
 * GPU and utility processes; the page's workers are threads of its renderer), from /proc. */
export function cpuSeconds() {
  const stats = new Map();
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // After the command name (which may hold spaces): state, ppid, … utime (14th), stime (15th).
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(pid), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // The process ended while we looked.
    }
  }
  const below = new Set([process.pid]);
  let ticks = 0;
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, s] of stats)
      if (!below.has(pid) && below.has(s.ppid)) {
        below.add(pid);
        ticks += s.ticks;
        grew = true;
      }
  }
  return ticks / TICKS_PER_S;
}

/** gzip size (zlib's default level, as a static server sends) of a file under `dist`. */
const gzipped = (file) => gzipSync(readFileSync(file)).length;

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => resolve(e.parentPath, e.name));
}

/** A first visit to the page, cross-origin isolated as `cargo xtask serve` serves it: the time
 * until the Run button can be pressed (from navigation start), and the gzip size of everything
 * it downloads in that time and the two seconds after; plus the engine worker's threaded build,
 * which the first run downloads if the visit has not yet. */
export async function firstLoad(browser, dist) {
  const server = await serve({ isolated: true });
  try {
    const { page } = await open(browser, server.url);
    const interactiveMs = await page.waitForFunction(
      () => {
        const b = document.querySelector('[data-testid="run-button"]');
        return b && !b.disabled && performance.now();
      },
      null,
      { polling: "raf", timeout: 30_000 },
    ).then((h) => h.jsonValue());
    await page.waitForTimeout(2000);
    await page.close();
    const fetched = new Set(
      server.requests.map((u) => {
        const path = decodeURIComponent(new URL(u, "http://x").pathname);
        return resolve(dist, "." + (path.endsWith("/") ? path + "index.html" : path));
      }),
    );
    const files = [...fetched].filter((f) => existsSync(f)).map((f) => ({ file: relative(dist, f), gzip: gzipped(f) }));
    const engine = [resolve(dist, "worker.js"), ...filesUnder(resolve(dist, "pkg/threaded"))]
      .filter((f) => !fetched.has(f) && !f.endsWith(".d.ts"))
      .map((f) => ({ file: relative(dist, f), gzip: gzipped(f) }));
    const sum = (xs) => xs.reduce((a, x) => a + x.gzip, 0);
    return {
      interactive_ms: interactiveMs,
      gzip_bytes: sum(files),
      files,
      engine_later_gzip_bytes: sum(engine),
      engine_later: engine,
    };
  } finally {
    server.close();
  }
}
