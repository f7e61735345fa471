//! Builds the engine worker's two wasm modules into `www/engine/pkg/`, which Trunk copies into
//! the page (index.html), each through wasm-opt as the page's own module is. Run by Trunk's
//! pre_build hook.
//!
//! - `plain`: stable toolchain, no threads. Used whenever the page is not cross-origin isolated.
//! - `threaded`: the pinned nightly, std rebuilt with atomics, one shared memory, rayon on
//!   Web Workers (wasm-bindgen-rayon). Its flags live here, not in .cargo/config.toml, because
//!   cargo merges configs and they must never reach the stable builds.

use crate::setup::NIGHTLY;
use crate::util::{cmd, root, run, Result};

const TARGET: &str = "wasm32-unknown-unknown";

/// Every flag is needed: on this nightly `+atomics` alone silently yields a non-shared memory.
const THREADED_RUSTFLAGS: &str = "-C target-feature=+atomics,+bulk-memory,+simd128 \
    -C link-arg=--shared-memory -C link-arg=--max-memory=4294967296 -C link-arg=--import-memory \
    -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size \
    -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base";

/// Builds both modules and generates their JS glue.
pub fn build() -> Result {
    let pkg = root().join("www/engine/pkg");

    // A target dir of its own: the page's build compiles interleave-web too (without `worker`)
    // and would overwrite the shared `release/interleave_web.wasm`, which cargo does not restore
    // when the engine is up to date.
    let plain_target = root().join("target/plain");
    run(cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "interleave-web",
            "--features",
            "worker",
            "--target",
            TARGET,
        ],
    )
    .arg("--target-dir")
    .arg(&plain_target))?;
    bindgen(&plain_target, &pkg.join("plain"))?;

    let threaded_target = root().join("target/threaded");
    let toolchain = format!("+{NIGHTLY}");
    run(cmd(
        "cargo",
        &[
            &toolchain,
            "build",
            "--release",
            "-p",
            "interleave-web",
            "--features",
            "threads",
            "--target",
            TARGET,
            "-Z",
            "build-std=panic_abort,std",
        ],
    )
    .arg("--target-dir")
    .arg(&threaded_target)
    .env("RUSTFLAGS", THREADED_RUSTFLAGS))?;
    bindgen(&threaded_target, &pkg.join("threaded"))?;
    same_origin_rayon_workers(&pkg.join("threaded/snippets"))?;
    for build in ["plain", "threaded"] {
        let js = std::fs::read_to_string(pkg.join(build).join("interleave_web.js"))?;
        if !js.contains("class Engine") {
            return Err(format!("the {build} engine build lacks the worker's exports").into());
        }
    }
    Ok(())
}

/// wasm-bindgen-rayon (no-bundler) starts each rayon thread from a `blob:` copy of its helper
/// script, so that a helper hosted on a CDN still works. Ours is always same-origin, and the
/// page's CSP (`worker-src 'self'`) refuses `blob:` workers: start them from the script's own
/// URL. Fails loudly if the helper changes, rather than leaving threads dead under the CSP.
fn same_origin_rayon_workers(snippets: &std::path::Path) -> Result {
    // Statement by statement: the helper has CRLF line endings.
    const FETCH: &str = "let scriptBlob = await fetch(import.meta.url).then(r => r.blob());";
    const BLOB_URL: &str = "let url = URL.createObjectURL(scriptBlob);";
    const OWN_URL: &str = "let url = import.meta.url;";
    let mut patched = 0;
    // A stale copy (another wasm-bindgen-rayon version) is patched too: harmless.
    for dir in std::fs::read_dir(snippets)? {
        let helper = dir?.path().join("src/workerHelpers.no-bundler.js");
        let Ok(text) = std::fs::read_to_string(&helper) else {
            continue;
        };
        let text = text
            .replace(
                FETCH,
                "// Started from its own URL: see xtask/src/engine.rs.",
            )
            .replace(BLOB_URL, OWN_URL);
        std::fs::write(&helper, &text)?;
        if text.contains(OWN_URL) && !text.contains("createObjectURL(scriptBlob)") {
            patched += 1;
        }
    }
    if patched > 0 {
        Ok(())
    } else {
        Err("no wasm-bindgen-rayon helper starts workers from its own URL (has it changed?)".into())
    }
}

fn bindgen(target_dir: &std::path::Path, out: &std::path::Path) -> Result {
    let wasm = target_dir.join(TARGET).join("release/interleave_web.wasm");
    run(cmd("wasm-bindgen", &["--target", "web", "--no-typescript"])
        .arg("--out-dir")
        .arg(out)
        .arg(wasm))?;
    optimise(&out.join("interleave_web_bg.wasm"))
}

/// The same optimiser, at the same level, as Trunk gives the page's own wasm (`data-wasm-opt="3"`
/// in index.html), so that no build is handicapped against another.
pub const WASM_OPT_LEVEL: &str = "-O3";

/// wasm-opt from npm's binaryen (Debian's is too old for these modules), in place.
fn optimise(wasm: &std::path::Path) -> Result {
    let wasm_opt = root().join("node_modules/.bin/wasm-opt");
    run(cmd(
        wasm_opt.to_str().unwrap_or("wasm-opt"),
        &[
            WASM_OPT_LEVEL,
            "--enable-simd",
            "--enable-bulk-memory",
            "--enable-threads",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int",
            "--enable-reference-types",
            "--enable-multivalue",
        ],
    )
    .arg(wasm)
    .arg("-o")
    .arg(wasm))
}
