// The peers' thumbnailers, one function each from JPEG bytes to PNG bytes, used alike on the
// page's main thread and in its workers (peer-worker.mjs). Each does the whole job — decode,
// resize (Lanczos3 where the peer lets one choose), encode — the way its documentation shows.

/** The longer side of every thumbnail, and the size that fits an image in it (as the engine's
 * `thumbnail_size` does). */
export const THUMB = 256;
export function fit(width, height, side = THUMB) {
  const s = side / Math.max(width, height);
  return [Math.max(1, Math.round(width * s)), Math.max(1, Math.round(height * s))];
}

const jpeg = (bytes) => new Blob([bytes], { type: "image/jpeg" });

async function png(canvas) {
  return new Uint8Array(await (await canvas.convertToBlob({ type: "image/png" })).arrayBuffer());
}

/** pica: the browser decodes, pica's wasm Lanczos3 resizes on this thread (no "ww" feature: the
 * rows choose the threads), the canvas encodes. `resizeBuffer`, pixels in and out, because
 * pica's canvas path needs a DOM canvas or its own workers, which a worker does not have. */
async function pica() {
  const { default: Pica } = await import("./vendor/pica.mjs");
  const resizer = new Pica({ features: ["js", "wasm"] });
  return async ({ bytes, width, height }) => {
    const bitmap = await createImageBitmap(jpeg(bytes));
    const from = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true });
    from.drawImage(bitmap, 0, 0);
    bitmap.close();
    const [w, h] = fit(width, height);
    const src = from.getImageData(0, 0, width, height).data;
    const out = await resizer.resizeBuffer({ src, width, height, toWidth: w, toHeight: h, filter: "lanczos3" });
    const to = new OffscreenCanvas(w, h);
    to.getContext("2d").putImageData(new ImageData(new Uint8ClampedArray(out.buffer, out.byteOffset, out.length), w, h), 0, 0);
    return png(to);
  };
}

/** wasm-vips: `thumbnailBuffer` (shrink-on-load, then Lanczos3), libvips limited to one thread,
 * PNG at its fastest zlib level, as the engine's `Effort::Fast`. */
async function vips() {
  const { default: Vips } = await import("./vendor/vips/vips-es6.js");
  // No optional codecs (HEIF, JPEG XL): they are not needed and would be downloaded.
  const v = await Vips({ dynamicLibraries: [] });
  v.concurrency(1);
  return ({ bytes }) => {
    const image = v.Image.thumbnailBuffer(bytes, THUMB, { height: THUMB });
    try {
      return image.writeToBuffer(".png", { compression: 1 });
    } finally {
      image.delete();
    }
  };
}

/** Chromium itself: `createImageBitmap` decodes and resizes ("high" quality), an
 * OffscreenCanvas encodes. */
async function canvas() {
  return async ({ bytes, width, height }) => {
    const [w, h] = fit(width, height);
    const bitmap = await createImageBitmap(jpeg(bytes), { resizeWidth: w, resizeHeight: h, resizeQuality: "high" });
    const to = new OffscreenCanvas(w, h);
    to.getContext("2d").drawImage(bitmap, 0, 0);
    bitmap.close();
    return png(to);
  };
}

export const THUMBNAILERS = { pica, vips, canvas };
