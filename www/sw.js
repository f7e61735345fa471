// The service worker that makes the page cross-origin isolated on a static host that cannot send
// headers (GitHub Pages and the like). Registered by coi.js, only when the page is not isolated.
//
// It re-serves two kinds of the page's own responses with the headers `cargo xtask serve` sends
// (Trunk.toml), keeping every header the host sent (its CSP included): documents (navigations),
// where COOP/COEP decide isolation, and worker scripts, whose COEP a dedicated worker of an
// isolated page must match or it does not start. Nothing else needs them: every subresource is
// same-origin, which COEP require-corp admits without Cross-Origin-Resource-Policy. So every other
// request — the images a run fetches with `cache: "no-store"` above all — is left to the
// browser, untouched: the page's own requests do not even reach this worker where the browser
// has the static routing API (Chromium 123+); a dedicated worker's requests, which Chromium 156
// does not route, reach the fetch handler, which hands them straight back to the network.
// tests/sw-fetch-share.mjs measures whether a run's fetch timings change.
//
// require-corp, not credentialless: Safari does not know credentialless (and Firefox before 119),
// and the page loads nothing from another origin that credentialless would let in.

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  // Isolates the page even in a frame whose embedder is not isolated (Chromium 137+).
  "Document-Isolation-Policy": "isolate-and-require-corp",
};

/** Whether `request` is a document or a worker script of this origin: what needs the headers. */
function needsHeaders(request) {
  const kind = request.mode === "navigate" || request.destination === "worker" || request.destination === "sharedworker";
  return kind && new URL(request.url).origin === self.location.origin;
}

self.addEventListener("install", (event) => {
  // A new version takes over at the next navigation rather than once every tab has closed.
  self.skipWaiting();
  // Static routing (Chromium 123+): of the page's requests only documents and worker scripts
  // reach the fetch handler; the rest go straight to the network, without waking this worker.
  if (typeof event.addRoutes === "function") {
    const rules = [
      { condition: { requestMode: "navigate" }, source: "fetch-event" },
      { condition: { requestDestination: "worker" }, source: "fetch-event" },
      { condition: { requestDestination: "sharedworker" }, source: "fetch-event" },
      { condition: { urlPattern: new URLPattern({}) }, source: "network" },
    ];
    // A browser that knows addRoutes but not one of these conditions refuses the rules: the fetch
    // handler then sees every request and lets those it does not need go by.
    event.waitUntil(event.addRoutes(rules).catch(() => {}));
  }
});

// No clients.claim(): the page that registered this worker was loaded without the headers and
// cannot become isolated anyway; leaving it uncontrolled leaves its requests exactly as they were.

self.addEventListener("fetch", (event) => {
  // Not calling respondWith hands the request back to the browser unchanged (its cache mode too).
  if (needsHeaders(event.request)) event.respondWith(isolated(event.request));
});

/** The response to `request` with the isolation headers the host did not send added. */
async function isolated(request) {
  const response = await fetch(request);
  // A redirect of a navigation comes back opaque: it must be passed on as it is.
  if (response.type === "opaqueredirect" || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) if (!headers.has(name)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
