// One peer in a worker: it is given every image once, then makes the thumbnail of image `i`
// whenever asked, and sends the PNG back (transferred, not copied).

import { THUMBNAILERS } from "./thumbnailers.mjs";

let make = null;
let images = null;

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "init") {
      make = await THUMBNAILERS[data.peer]();
      images = data.images;
      postMessage({ type: "ready" });
    } else {
      const png = await make(images[data.i]);
      postMessage({ type: "done", i: data.i, png }, [png.buffer]);
    }
  } catch (e) {
    postMessage({ type: "error", message: String(e && e.stack ? e.stack : e) });
  }
};
