//! Running commands, loudly.

use std::path::PathBuf;
use std::process::Command;

/// Errors end the task with a message.
pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// A command run from the workspace root, without the variables the outer `cargo run` set
/// (they would pin nested cargo calls to this toolchain and these flags).
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    for var in [
        "RUSTUP_TOOLCHAIN",
        "RUSTC",
        "RUSTDOC",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO",
    ] {
        c.env_remove(var);
    }
    c
}

/// `task` of this binary, built in release as the wasm builds are (a debug build would flatter
/// the browser's figures against the native ones).
pub fn release_task(task: &str) -> Command {
    cmd(
        "cargo",
        &["run", "--release", "-q", "-p", "xtask", "--", task],
    )
}

/// Runs to completion; a non-zero exit is an error.
pub fn run(c: &mut Command) -> Result {
    eprintln!("$ {}", show(c));
    let status = c
        .status()
        .map_err(|e| format!("cannot start {}: {e}", show(c)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} exited with {status}", show(c)).into())
    }
}

/// Runs and returns stdout, or `None` if the program is missing or fails.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn show(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
