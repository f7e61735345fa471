// The script of the engine worker and of process workers (module workers), started and owned
// by www/src/runtime/workers.rs. It loads a build — the threaded one when asked (and allowed
// to share memory), else the plain one; a process worker asks for no threads (threads: 0): it
// is the same build with no rayon pool, its own wasm instance and memory — and hands every
// other message to the engine (www/engine/src/protocol.rs says what they are).

let engine = null;
const early = [];

async function init({ id, threaded, threads }) {
  let Engine = null;
  let reason = null;
  if (threaded) {
    try {
      const m = await import("./pkg/threaded/interleave_web.js");
      await m.default();
      // Nested workers that cannot start leave initThreadPool pending for ever: give up on
      // threads then, and run the plain build.
      if (threads > 0) {
        let timer;
        const late = new Promise((_, no) => (timer = setTimeout(() => no(new Error("its threads did not start within 15 s")), 15_000)));
        await Promise.race([m.initThreadPool(threads), late]).finally(() => clearTimeout(timer));
      }
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
  const on = Engine.threaded();
  postMessage({ type: "ready", id, threaded: on, threads: on ? threads : 1, reason });
  for (const data of early.splice(0)) engine.handle(data);
}

self.onmessage = ({ data }) => {
  if (data.type === "init") {
    init(data).catch((e) => postMessage({ type: "error", id: data.id, message: String(e && e.message ? e.message : e) }));
  } else if (engine) engine.handle(data);
  else early.push(data);
};
