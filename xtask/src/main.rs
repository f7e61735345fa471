//! `cargo xtask <task>`: everything a newcomer or CI runs, from a fresh machine.
//!
//! - `serve [--port N]`: set up what is missing, build, serve the page on 127.0.0.1.
//! - `test`: set up (browser included), then every check CI runs, fast ones first.
//! - `bench`: threads vs sequential in headless Chromium, on a CPU-bound batch.
//! - `bench peers`: the engine against other thumbnailers and against itself natively.
//! - `bench levers`: PNG effort and the resize kernel, natively, CPU time per image.
//! - `soak`: 50 runs back to back; memory and workers must stay level.
//! - `setup [--browser]`, `assets` (sample library + engine), `engine`, `dist`: single steps.
//! - `corpus`: unusual and hostile image files for the end-to-end test, in `target/corpus/`.
//! - `fuzz [--seconds N] [--seed S]`: the long fuzz run of the decode pipeline and URL parser.

mod corpus;
mod decoders;
mod engine;
mod fuzz;
mod levers;
mod peers;
mod samples;
mod setup;
mod util;

use std::process::ExitCode;

use util::{cmd, root, run, Result};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::all(args.iter().any(|a| a == "--browser")),
        Some("engine") => engine::build(),
        Some("assets") => samples::ensure().and_then(|_| engine::build()),
        Some("dist") => setup::all(false).and_then(|_| dist()),
        Some("serve") => serve(port(&args)),
        Some("test") => test(),
        Some("bench") if args.get(1).is_some_and(|a| a == "peers") => {
            peers::bench(&args[2..], dist)
        }
        Some("bench") if args.get(1).is_some_and(|a| a == "levers") => levers::bench(),
        Some("bench") => bench(&args[1..]),
        // Run by `bench peers` in a release build.
        Some("peers-native") => peers::native(&args[1..]),
        // Run by `bench levers` in a release build.
        Some("levers-native") => levers::native(),
        Some("soak") => soak(),
        Some("corpus") => corpus::write(),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <serve [--port N] | test | bench [peers | levers] | soak | setup [--browser] | assets | engine | dist | corpus | fuzz [--seconds N]>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn port(args: &[String]) -> u16 {
    args.windows(2)
        .find(|w| w[0] == "--port")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(8080)
}

/// Trunk, with the wasm-opt from node_modules on PATH. The engine is built by Trunk's
/// pre_build hook (Trunk.toml), so `trunk serve` rebuilds it on changes too.
fn trunk(args: &[&str]) -> std::process::Command {
    let mut c = cmd("trunk", args);
    c.env("PATH", setup::path_with_node_bin());
    c
}

/// `trunk serve` of the release build on 127.0.0.1:`port`.
fn trunk_serve(port: &str) -> std::process::Command {
    trunk(&[
        "serve",
        "--release",
        "--offline",
        "--address",
        "127.0.0.1",
        "--port",
        port,
    ])
}

fn dist() -> Result {
    run(&mut trunk(&["build", "--release", "--offline"]))
}

fn serve(port: u16) -> Result {
    setup::all(false)?;
    let port = port.to_string();
    println!("\nInterleave: open http://127.0.0.1:{port}/ (Ctrl-C stops the server)\n");
    run(&mut trunk_serve(&port))
}

fn test() -> Result {
    setup::all(true)?;
    let suites: &[(&str, &dyn Fn() -> Result)] = &[
        ("format", &|| {
            run(&mut cmd("cargo", &["fmt", "--all", "--", "--check"]))
        }),
        ("lints (native)", &|| {
            run(&mut cmd(
                "cargo",
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            ))
        }),
        ("lints (wasm)", &|| {
            run(&mut cmd(
                "cargo",
                &[
                    "clippy",
                    "--target",
                    "wasm32-unknown-unknown",
                    "-p",
                    "interleave-www",
                    "-p",
                    "interleave-web",
                    "--features",
                    "interleave-web/worker",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            ))
        }),
        ("engine (native)", &|| {
            run(&mut cmd(
                "cargo",
                &["test", "-p", "interleave", "-p", "xtask"],
            ))
        }),
        // The page's state and what it reads from recordings: plain Rust, tested natively.
        ("page state (native)", &|| {
            run(&mut cmd(
                "cargo",
                &["test", "-p", "interleave-www", "--lib"],
            ))
        }),
        (
            "browser glue (wasm-bindgen-test, headless Chromium)",
            &browser_glue,
        ),
        ("page build", &dist),
        ("corpus (files for the end-to-end test)", &corpus::write),
        ("end to end (headless Chromium)", &|| {
            run(&mut cmd(
                "node",
                &["--test", "--test-concurrency=1", "tests/e2e/"],
            ))
        }),
        // Last: a served build replaces dist/, which the end-to-end tests must not see.
        ("serve (the README's first command)", &serve_check),
    ];
    let mut failed = Vec::new();
    for (name, suite) in suites {
        println!("\n==> {name}");
        if let Err(e) = suite() {
            eprintln!("FAILED {name}: {e}");
            failed.push(*name);
        }
    }
    println!(
        "\nsuites: {} passed, {} failed",
        suites.len() - failed.len(),
        failed.len()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join(", ")).into())
    }
}

/// Starts `trunk serve` as `cargo xtask serve` does, checks that it answers with the page and
/// the isolation headers, and stops it.
fn serve_check() -> Result {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port()
        .to_string();
    let mut child = trunk_serve(&port).spawn()?;
    let deadline = Instant::now() + Duration::from_secs(600);
    let result = loop {
        if let Some(status) = child.try_wait()? {
            break Err(format!("trunk serve exited with {status}"));
        }
        let answer = TcpStream::connect(format!("127.0.0.1:{port}")).and_then(|mut s| {
            s.set_read_timeout(Some(Duration::from_secs(10)))?;
            write!(
                s,
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            )?;
            let mut text = String::new();
            s.read_to_string(&mut text)?;
            Ok(text.to_ascii_lowercase())
        });
        match answer {
            Ok(text) if text.starts_with("http/1.1 200") => {
                let isolated = text.contains("cross-origin-opener-policy: same-origin")
                    && text.contains("cross-origin-embedder-policy: require-corp");
                break if !isolated {
                    Err("the page is served without COOP/COEP headers".to_string())
                } else if !text.contains("content-security-policy: default-src 'self'") {
                    Err("the page is served without its strict CSP".to_string())
                } else if text.contains("<script type=\"module\">") {
                    Err("the page has an inline script, which its CSP forbids".to_string())
                } else if !text.contains("interleave") {
                    Err("the served page is not Interleave's".to_string())
                } else {
                    Ok(())
                };
            }
            _ if Instant::now() > deadline => {
                break Err("trunk serve did not answer in 10 minutes".to_string())
            }
            _ => std::thread::sleep(Duration::from_millis(500)),
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    Ok(result?)
}

/// wasm-bindgen-test in headless Chromium; chromedriver's profile folders go to a temp dir we own.
fn browser_glue() -> Result {
    let tmp = root().join("target/browser-tmp");
    std::fs::create_dir_all(&tmp)?;
    run(cmd(
        "cargo",
        &[
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "interleave-web",
        ],
    )
    .env("TMPDIR", &tmp)
    .env("CHROMEDRIVER", "/usr/bin/chromedriver")
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
}

/// 50 runs back to back in headless Chromium: memory and workers must stay level (the suite
/// runs a short version of the same test).
fn soak() -> Result {
    setup::all(true)?;
    dist()?;
    run(cmd("node", &["--test", "tests/e2e/leaks.test.mjs"]).env("SOAK_RUNS", "50"))
}

fn bench(args: &[String]) -> Result {
    setup::all(true)?;
    dist()?;
    let mut c = cmd("node", &["tests/bench.mjs"]);
    c.args(args);
    run(&mut c)
}
