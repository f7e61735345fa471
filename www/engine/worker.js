// The engine worker (a module worker). Owned by www/src/runtime/engine.rs, which starts it,
// speaks the protocol below, and terminates it. It loads the threaded engine build when asked
// to and allowed to share memory, else the plain build.
//
// page → worker: {type: "init", id, threaded, threads} | {type: "prepare", id, config}
//                | {type: "run", id, technique}
// worker → page: {type: "ready", id, threaded, threads, reason} | {type: "progress", id, done}
//                | {type: "prepared", id, sources} | {type: "done", id, result}
//                | {type: "error", id, message}

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
      reason = `the threaded engine failed to start: ${e && e.message ? e.message : e}`;
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

function prepare(id, config) {
  const total = engine.configure(JSON.stringify(config));
  const sources = [];
  for (let i = 0; i < total; i++) {
    sources.push(engine.make_sample(i));
    postMessage({ type: "progress", id, done: i + 1 });
  }
  postMessage({ type: "prepared", id, sources }, sources.map((s) => s.buffer));
}

function transferables(result) {
  return result.thumbs.filter((t) => t !== null).map((t) => t.buffer);
}

function run(id, technique) {
  if (technique === "sequential") {
    const result = engine.run_sequential(id);
    postMessage({ type: "done", id, result }, transferables(result));
  } else if (technique === "threads") {
    if (!Engine.threaded()) throw new Error("this engine build has no threads");
    const job = engine.start_threads();
    let reported = 0;
    const poll = () => {
      try {
        const done = job.done();
        if (done !== reported) postMessage({ type: "progress", id, done: (reported = done) });
        const result = job.finish();
        if (result === null) return void setTimeout(poll, 5);
        job.free();
        postMessage({ type: "done", id, result }, transferables(result));
      } catch (e) {
        fail(id, e);
      }
    };
    poll();
  } else {
    throw new Error(`the engine worker does not run “${technique}”`);
  }
}

function fail(id, e) {
  postMessage({ type: "error", id, message: e && e.message ? e.message : String(e) });
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "init") postMessage({ type: "ready", id: data.id, ...(await init(data)) });
    else if (data.type === "prepare") prepare(data.id, data.config);
    else if (data.type === "run") run(data.id, data.technique);
    else throw new Error(`unknown message “${data.type}”`);
  } catch (e) {
    fail(data.id, e);
  }
};
