// Cross-origin isolation where the host cannot send the headers for it (a static host such as
// GitHub Pages): registers sw.js, which adds them to the page's own documents and worker scripts
// from the next load on. Runs before the page starts (a classic script in the head) and never
// reloads the page itself: the page works at once without threads, and says that one reload
// brings them (www/src/components/isolation_status.rs reads what this script writes). So there is
// no reload loop to guard against: every reload is the user's.
//
// It writes its verdict to the root element's data-coi, and fires a `coi` event on window when it
// changes:
//   isolated     the page is isolated (by the host's headers or by the service worker)
//   installing   the service worker is being installed
//   ready        it is installed but does not control this page: a reload makes the page isolated
//   refused      it controls this page, yet the browser did not isolate it: threads stay off here
//   off          `?coi=0`: no service worker (an installed one is removed), remembered in this
//                browser (the page drops the parameter from its link) until `?coi=1`
//   framed       in a frame: the embedding page decides isolation, a reload cannot help
//   unsupported  no service workers here (not a secure context, or disabled)
(() => {
  const root = document.documentElement;
  const say = (state) => {
    root.dataset.coi = state;
    window.dispatchEvent(new Event("coi"));
  };
  const workers = navigator.serviceWorker;
  const optOut = optedOut(new URLSearchParams(location.search).get("coi"));

  if (optOut) {
    say("off");
    // Only our own registration (scope: this folder), not other apps' on the same origin.
    workers?.getRegistration(new URL(".", location.href).href).then((r) => r?.unregister(), () => {});
    return;
  }
  // Isolated by the host's own headers, the service worker stays out of the way (none is
  // registered); isolated by the service worker, it stays, or the next visit would lose threads.
  if (window.crossOriginIsolated) return say("isolated");
  if (window !== window.top) return say("framed");
  if (!workers || !window.isSecureContext) return say("unsupported");
  if (workers.controller) return say("refused");

  say("installing");
  workers.register("sw.js").then(
    (registration) => {
      const follow = (worker) => {
        const update = () => {
          if (worker.state === "activated") say("ready");
          else if (worker.state === "redundant" && !registration.active) say("unsupported");
        };
        worker.addEventListener("statechange", update);
        update();
      };
      // Already installed (a hard reload bypasses it), or installing now.
      const pending = registration.installing ?? registration.waiting;
      if (registration.active) say("ready");
      else if (pending) follow(pending);
      else say("unsupported");
    },
    (error) => {
      console.warn("Interleave: the service worker that adds cross-origin isolation could not be registered:", error);
      say("unsupported");
    },
  );

  /** Whether this browser opted out, remembering `?coi=0` until `?coi=1`. Not sessionStorage:
   * a load that changes isolation moves the tab to a new browsing context group, which Chromium
   * gives a fresh session storage. */
  function optedOut(param) {
    const key = "interleave-coi-off";
    try {
      if (param === "0") localStorage.setItem(key, "1");
      if (param === "1") localStorage.removeItem(key);
      return localStorage.getItem(key) === "1";
    } catch {
      return param === "0"; // storage disabled: only this load
    }
  }
})();
