//! Installs what a fresh machine lacks, and skips what is already there at the right version,
//! so that a repeat run takes seconds. Only registries are used: rustup's channel, crates.io,
//! npm, Debian.

use std::path::Path;

use crate::util::{cmd, output, root, run, Result};

/// The nightly that builds the threaded engine (build-std with atomics).
pub const NIGHTLY: &str = "nightly-2026-05-20";
/// Must equal the `wasm-bindgen` version pinned in Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
/// Trunk that builds with the stable toolchain (0.22 needs a newer rustc).
pub const TRUNK: &str = "0.21.14";

/// Everything to build and serve; with `browser`, also Chromium and its driver for tests.
pub fn all(browser: bool) -> Result {
    rust()?;
    cargo_tool("wasm-bindgen", "wasm-bindgen-cli", WASM_BINDGEN, false)?;
    cargo_tool("trunk", "trunk", TRUNK, true)?;
    node_modules()?;
    if browser {
        chromium()?;
    }
    Ok(())
}

fn rust() -> Result {
    let installed = |toolchain: &str| {
        output(&mut cmd(
            "rustup",
            &["target", "list", "--installed", "--toolchain", toolchain],
        ))
        .is_some_and(|t| t.lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
    };
    if !installed("stable") {
        run(&mut cmd(
            "rustup",
            &[
                "target",
                "add",
                "wasm32-unknown-unknown",
                "--toolchain",
                "stable",
            ],
        ))?;
    }
    let has_src = output(&mut cmd(
        "rustup",
        &["component", "list", "--installed", "--toolchain", NIGHTLY],
    ))
    .is_some_and(|c| c.lines().any(|l| l.starts_with("rust-src")));
    if !installed(NIGHTLY) || !has_src {
        // RUSTUP_AUTO_INSTALL=0 on these machines: nothing installs a toolchain by itself.
        run(&mut cmd(
            "rustup",
            &[
                "toolchain",
                "install",
                NIGHTLY,
                "--profile",
                "minimal",
                "-c",
                "rust-src",
                "-t",
                "wasm32-unknown-unknown",
                "--no-self-update",
            ],
        ))?;
    }
    Ok(())
}

fn cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result {
    let have = output(&mut cmd(bin, &["--version"])).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(version) {
        return Ok(());
    }
    // wasm-bindgen-cli's lock file names a version the registry no longer has: not --locked.
    let mut c = cmd(
        "cargo",
        &["install", krate, "--version", version, "--force"],
    );
    if locked {
        c.arg("--locked");
    }
    run(&mut c)
}

fn node_modules() -> Result {
    let root = root();
    let stamp = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    if newer(&stamp, &lock) {
        return Ok(());
    }
    if output(&mut cmd("npm", &["--version"])).is_none() {
        apt(&["nodejs", "npm"])?;
    }
    run(&mut cmd("npm", &["ci", "--no-audit", "--no-fund"]))
}

fn chromium() -> Result {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    apt(&["chromium", "chromium-driver"])
}

fn apt(packages: &[&str]) -> Result {
    run(cmd("apt-get", &["update", "-qq"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    let mut c = cmd(
        "apt-get",
        &["install", "-y", "-qq", "--no-install-recommends"],
    );
    c.args(packages).env("DEBIAN_FRONTEND", "noninteractive");
    run(&mut c)
}

fn newer(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    matches!((modified(a), modified(b)), (Some(a), Some(b)) if a >= b)
}

/// PATH with `node_modules/.bin` first, for Trunk's wasm-opt (binaryen from npm: Debian's is
/// too old for these modules).
pub fn path_with_node_bin() -> String {
    let bin = root().join("node_modules/.bin");
    match std::env::var("PATH") {
        Ok(p) => format!("{}:{p}", bin.display()),
        Err(_) => bin.display().to_string(),
    }
}
