// The script of the engine worker and of process workers (module workers). Owned by
// www/src/runtime/workers.rs, which starts them, speaks the protocol below and terminates them.
// It loads the threaded engine build when asked to (and allowed to share memory), else the
// plain one: every process worker is a plain build, its own wasm instance and memory.
//
// page → worker: {type: "init", id, threaded, threads} | {type: "configure", id, config, urls}
//                | {type: "run", id, technique} | {type: "task", id, task}
// worker → page: {type: "ready", id, threaded, threads, reason} | {type: "progress", id, done}
//                | {type: "done", id, result} | {type: "error", id, message}

let engine = null;
let Engine = null;

async function init({ threaded, threads }) {
  let reason = null;
  if (threaded) {
    try {
      const m = await import("./pkg/threaded/interleave_web.js");
      await m.default();
      await m.initThreadPool(threads);
      Engine = m.Engine;
    } catch (e) {
      reason = `the threaded engine failed to start: ${message(e)}`;
    }
  }
  if (!Engine) {
    const m = await import("./pkg/plain/interleave_web.js");
    await m.default();
    Engine = m.Engine;
  }
  engine = new Engine();
  return { threaded: Engine.threaded(), threads: Engine.threaded() ? threads : 1, reason };
}

const now_us = () => (performance.timeOrigin + performance.now()) * 1000;

function transferables(result) {
  const pngs = result.thumbs ?? [result.png];
  return pngs.filter((t) => t !== null).map((t) => t.buffer);
}

function reply(id, result) {
  result.sent_us = now_us();
  postMessage({ type: "done", id, result }, transferables(result));
}

async function run(id, technique) {
  if (technique === "sequential") return reply(id, await engine.run_sequential(id));
  if (!Engine.threaded()) throw new Error("this engine build has no threads");
  const job = engine.start_parallel(technique);
  let reported = 0;
  // Poll, never block: this thread must stay free to answer the page.
  const poll = () => {
    try {
      const done = job.done();
      if (done !== reported) postMessage({ type: "progress", id, done: (reported = done) });
      const result = job.finish();
      if (result === null) return void setTimeout(poll, 5);
      job.free();
      reply(id, result);
    } catch (e) {
      fail(id, e);
    }
  };
  poll();
}

const message = (e) => (e && e.message ? e.message : String(e));

function fail(id, e) {
  postMessage({ type: "error", id, message: message(e) });
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "init") postMessage({ type: "ready", id: data.id, ...(await init(data)) });
    else if (data.type === "configure") {
      engine.configure(JSON.stringify(data.config), data.urls);
      postMessage({ type: "done", id: data.id, result: {} });
    } else if (data.type === "run") await run(data.id, data.technique);
    else if (data.type === "task") reply(data.id, await engine.run_task(data.task));
    else throw new Error(`unknown message “${data.type}”`);
  } catch (e) {
    fail(data.id, e);
  }
};
