// The browser side of the peers benchmark, driven by tests/peers/run.mjs through
// `globalThis.peers`: `prepare` reads the photos into memory, `setup(row)` starts a row's
// workers and runs it once untimed, `time(id)` times one batch of a row, `teardown` ends every
// worker. Every batch's PNGs are checked (signature and IHDR size).

import { THUMBNAILERS, fit } from "./thumbnailers.mjs";

let images = []; // { bytes, width, height }
let stageUs = 0; // the engine's own time in its CPU stages during the current batch
let byStage = {}; // the same, per stage

/** Time the engine's trace spans spent running decode, resize and encode, µs. Compared with
 * the wall time it shows whether each image's work grows with threads (contention) or not. */
const CPU_STAGES = ["decode", "resize", "encode"];
function addStages(spans) {
  for (const s of spans)
    if (s.state === "running" && CPU_STAGES.includes(s.stage)) {
      stageUs += s.end_us - s.start_us;
      byStage[s.stage] = (byStage[s.stage] ?? 0) + (s.end_us - s.start_us) / 1e3;
    }
}

/** Width and height from a JPEG's SOF marker: no decoding before timing. */
function jpegSize(b) {
  for (let i = 2; i + 9 < b.length; ) {
    if (b[i] !== 0xff) throw new Error("not a JPEG");
    const marker = b[i + 1];
    const len = (b[i + 2] << 8) | b[i + 3];
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return [(b[i + 7] << 8) | b[i + 8], (b[i + 5] << 8) | b[i + 6]];
    i += 2 + len;
  }
  throw new Error("JPEG without a frame header");
}

/** The size in a PNG's IHDR chunk, or null if these are not a PNG's bytes. */
function pngSize(b) {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!(b instanceof Uint8Array) || b.length < 24 || sig.some((x, i) => b[i] !== x)) return null;
  if (String.fromCharCode(...b.subarray(12, 16)) !== "IHDR") return null;
  const v = new DataView(b.buffer, b.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
}

/** Checks one batch's PNGs against the sizes the images must fit to. */
function check(pngs) {
  let bytes = 0;
  pngs.forEach((png, i) => {
    const got = pngSize(png);
    const want = fit(images[i].width, images[i].height);
    if (!got || got[0] !== want[0] || got[1] !== want[1])
      throw new Error(`image ${i}: ${got ? `a ${got.join("×")} PNG` : "not a PNG"}, expected ${want.join("×")}`);
    bytes += png.length;
  });
  return { count: pngs.length, bytes };
}

/** `n` workers that each take the next image when free (a process pool's `imap`). */
async function pool(workers, one) {
  const out = new Array(images.length);
  let next = 0;
  await Promise.all(
    workers.map(async (w) => {
      while (next < images.length) {
        const i = next++;
        out[i] = await one(w, i);
      }
    }),
  );
  return out;
}

/** A worker with request/answer by id, failing every pending request if it errs or dies. */
function messenger(url, name) {
  const worker = new Worker(url, { type: "module", name });
  const waiting = new Map();
  let seq = 0;
  const fail = (message) => {
    for (const { no } of waiting.values()) no(new Error(`${name}: ${message}`));
    waiting.clear();
  };
  worker.onerror = (e) => fail(e.message || "the worker failed to start");
  worker.onmessage = ({ data }) => {
    if (data.type === "slot") return worker.postMessage({ type: "grant", id: data.id });
    if (data.type === "panic") return fail(data.message);
    const w = waiting.get(data.id ?? 0);
    if (!w || ["progress", "release"].includes(data.type)) return;
    waiting.delete(data.id ?? 0);
    data.type === "error" ? w.no(new Error(`${name}: ${data.message}`)) : w.ok(data);
  };
  return {
    ask(msg, transfer = []) {
      const id = msg.id ?? ++seq;
      return new Promise((ok, no) => {
        waiting.set(id, { ok, no });
        worker.postMessage({ ...msg, id }, transfer);
      });
    },
    close: () => worker.terminate(),
  };
}

/** The engine's own worker (www/engine/worker.js), with a build and a configured job. */
async function engineWorker(threaded, threads, config) {
  const w = messenger("../worker.js", threaded ? "engine (threaded)" : "engine (plain)");
  const ready = await w.ask({ type: "init", threaded, threads });
  if (ready.threaded !== threaded) throw new Error(`the threaded build did not start: ${ready.reason}`);
  const files = images.map(({ bytes }) => ({ Ok: bytes }));
  await w.ask({ type: "configure", config, images: { from: "files", files } });
  return w;
}

function thumbs(outcomes) {
  return outcomes.map((o, i) => {
    if (!o.Ok) throw new Error(`image ${i}: ${o.Err}`);
    return o.Ok.bytes;
  });
}

/** Runs for each kind of row. */
const ROWS = {
  /** The whole batch in the engine worker: `sequential` (plain build) or `threads` (threaded). */
  async engine({ build, n }, config) {
    const threaded = build === "threaded";
    const w = await engineWorker(threaded, n, config);
    const technique = threaded ? "threads" : "sequential";
    return {
      batch: async () => {
        const ran = await w.ask({ type: "run", technique });
        addStages(ran.trace.spans);
        return thumbs(ran.outcomes);
      },
      close: () => w.close(),
    };
  },
  /** `n` plain engine workers, one image at a time each, as the page's processes. */
  async processes({ n }, config) {
    const ws = await Promise.all(Array.from({ length: n }, () => engineWorker(false, 1, config)));
    return {
      batch: async () =>
        thumbs(
          await pool(ws, async (w, task) => {
            const done = await w.ask({ type: "task", task });
            addStages(done.spans);
            return done.outcome;
          }),
        ),
      close: () => ws.forEach((w) => w.close()),
    };
  },
  /** A peer on this (the page's main) thread, one image after another. */
  async main({ peer }) {
    const make = await THUMBNAILERS[peer]();
    return {
      batch: async () => {
        const out = [];
        for (const image of images) out.push(await make(image));
        return out;
      },
      close: () => {},
    };
  },
  /** A peer in `n` workers, one image at a time each. */
  async workers({ peer, n }) {
    const ws = Array.from({ length: n }, (_, k) => {
      const worker = new Worker("./peer-worker.mjs", { type: "module", name: `${peer} ${k}` });
      const ask = (msg) =>
        new Promise((ok, no) => {
          worker.onmessage = ({ data }) => (data.type === "error" ? no(new Error(data.message)) : ok(data));
          worker.onerror = (e) => no(new Error(e.message || "the worker failed"));
          worker.postMessage(msg);
        });
      return { worker, ask };
    });
    await Promise.all(ws.map((w) => w.ask({ type: "init", peer, images })));
    return {
      batch: () => pool(ws, async (w, i) => (await w.ask({ i })).png),
      close: () => ws.forEach((w) => w.worker.terminate()),
    };
  },
};

const started = new Map(); // row id → { batch(), close() }

globalThis.peers = {
  /** Reads the sample photos into memory; returns their count and sizes. */
  async prepare(paths) {
    images = await Promise.all(
      paths.map(async (p) => {
        const res = await fetch(p);
        if (!res.ok) throw new Error(`${p}: ${res.status}`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        const [width, height] = jpegSize(bytes);
        return { bytes, width, height };
      }),
    );
    return { isolated: crossOriginIsolated, images: images.map(({ width, height, bytes }) => [width, height, bytes.length]) };
  },
  /** Starts a row and runs one untimed batch (workers started, wasm compiled, caches warm).
   * Idle rows wait without using a core: their workers sit in their event loops, the rayon
   * pools in atomic waits. */
  async setup(row, config) {
    const runner = await ROWS[row.kind](row, config);
    started.set(row.id, runner);
    check(await runner.batch());
  },
  /** Times one batch of a started row: wall time and the engine's CPU-stage time (0 for the
   * peers) in ms, and the batch's checked PNGs. */
  async time(id) {
    stageUs = 0;
    byStage = {};
    const t0 = performance.now();
    const pngs = await started.get(id).batch();
    const wall = performance.now() - t0;
    return { wall, stage: stageUs / 1e3, byStage, out: check(pngs) };
  },
  teardown() {
    for (const runner of started.values()) runner.close();
    started.clear();
  },
};
