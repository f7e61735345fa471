// Starts the page's wasm. Trunk would inline this loader, which a strict Content Security
// Policy (script-src 'self') forbids; Trunk.toml's pattern_script names the files.
const { js, wasm } = document.querySelector("script[data-wasm]").dataset;
const { default: init } = await import(js);
await init({ module_or_path: wasm });
