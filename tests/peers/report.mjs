// The peers benchmark's table and the goals of issue 10, from the rows of one run. Ratios are of
// throughput (thumbnails/s): above 1 is faster than the row divided by.

const by = (rows, id) => rows.find((r) => r.id === id);
const fmt = (x, d = 2) => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(d));

/** The markdown table: one line per row, every figure also as a ratio against the reference
 * row and against the same system's one-thread (or one-worker) row. */
export function table(doc) {
  const ref = by(doc.rows, doc.reference);
  const lines = [
    `Fit ${doc.config.thumb} px, Lanczos3, PNG (${doc.config.effort}); ${doc.rows[0]?.images} photos 2000×2000 in memory; ` +
      `medians of ${doc.repeats} batches after a warm-up; Chromium ${doc.chromium}; ` +
      `load average ${doc.load_average.before[0]} before, ${doc.load_average.after[0]} after.`,
    "",
    `| row | median ms | thumbnails/s | × ${ref?.label ?? doc.reference} | × own first row | CPU cores busy | thumbnails / CPU-s | engine's CPU stages, ms / image | PNG KB / image |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of doc.rows) {
    const own = by(doc.rows, r.of);
    lines.push(
      `| ${r.label} | ${fmt(r.median_ms, 0)} | ${fmt(r.per_s, 1)} | ${ref ? fmt(r.per_s / ref.per_s) : "—"} | ` +
        `${own ? fmt(r.per_s / own.per_s) : "—"} | ${fmt(r.cores_busy)} | ${fmt(r.per_s / r.cores_busy, 1)} | ${fmt(r.stage_ms_per_image, 1)} | ${fmt(r.png_bytes / r.images / 1024, 1)} |`,
    );
  }
  if (doc.first_load) {
    const l = doc.first_load;
    lines.push(
      "",
      `First visit (cross-origin isolated): ${fmt(l.gzip_bytes / 1e6, 2)} MB gzip in ${l.files.length} files, ` +
        `+${fmt(l.engine_later_gzip_bytes / 1e6, 2)} MB for the threaded engine at the first run; ` +
        `Run button usable after ${fmt(l.interactive_ms, 0)} ms.`,
    );
  }
  lines.push("", "| goal | measured | met |", "|---|---|---|");
  for (const g of doc.goals) lines.push(`| ${g.goal} | ${g.measured} | ${g.met === null ? "—" : g.met ? "yes" : "**no**"} |`);
  return lines.join("\n");
}

/** Issue 10's goals, each with what this run measured. */
export function goals(rows, load) {
  const rate = (id) => by(rows, id)?.per_s;
  const maxN = Math.max(2, ...rows.filter((r) => r.id.startsWith("threaded-")).map((r) => r.n));
  const out = [];
  // A goal whose rows were not run (`--only`) is neither met nor missed.
  const goal = (text, measured, values, met) =>
    out.push({ goal: text, measured, met: values.every(Number.isFinite) ? met : null });
  const threads = rate(`threaded-${maxN}`) / rate("threaded-1");
  const nativeScale = rate(`native-${maxN}`) / rate("native-1");
  goal(
    `threads, N=${maxN} vs N=1 (threaded build): ≥ 1.9× and ≥ native rayon's ratio`,
    `${fmt(threads)}× (native ${fmt(nativeScale)}×)`,
    [threads, nativeScale],
    threads >= 1.9 && threads >= nativeScale,
  );
  const builds = rate("threaded-1") / rate("plain-1");
  goal("plain and threaded builds within 5 % per image, one thread", `plain takes ${fmt(builds)}× threaded's time`, [builds], Math.abs(builds - 1) <= 0.05);
  const wasm = rate("native-1") / rate("threaded-1");
  const wasmPlain = rate("native-1") / rate("plain-1");
  goal("wasm, one thread: ≤ 1.3× the native time", `threaded ${fmt(wasm)}×, plain ${fmt(wasmPlain)}×`, [wasm], wasm <= 1.3);
  const one = Math.max(rate("threaded-1") ?? NaN, rate("plain-1") ?? NaN);
  const vips = one / rate("vips-1");
  goal("one thread: ≥ 2× wasm-vips (concurrency 1)", `${fmt(vips)}×`, [vips], vips >= 2);
  const cib = one / rate("canvas-main");
  goal("one thread: ≥ 1.5× createImageBitmap (main thread)", `${fmt(cib)}×`, [cib], cib >= 1.5);
  const ours = Math.max(rate(`threaded-${maxN}`) ?? NaN, rate(`processes-${maxN}`) ?? NaN);
  const peers = ["pica-2", "vips-2", "canvas-2"].filter((id) => by(rows, id));
  const best = peers.reduce((a, id) => (rate(id) > (rate(a) ?? 0) ? id : a), peers[0]);
  const peer = ours / rate(best);
  goal(`N=${maxN}: ≥ 1.5× the best 2-worker peer`, `${fmt(peer)}× ${best ?? ""}`, [peer], peer >= 1.5);
  if (load) {
    const total = load.gzip_bytes + load.engine_later_gzip_bytes;
    goal("first load ≤ 1.2 MB gzip (with the threaded engine)", `${fmt(total / 1e6)} MB`, [total], total <= 1.2e6);
    goal("page interactive ≤ 1 s on localhost", `${fmt(load.interactive_ms, 0)} ms`, [load.interactive_ms], load.interactive_ms <= 1000);
  }
  return out;
}
