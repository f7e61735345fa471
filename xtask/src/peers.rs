//! `cargo xtask bench peers`: the engine against the browser thumbnailers people already know
//! (pica, wasm-vips, Chromium's own `createImageBitmap`) and against itself run natively, on one
//! workload and in one session, so that only ratios within the run are compared
//! (BENCHMARKS.md says how to read them).
//!
//! The browser side lives in `tests/peers/`; this file installs its packages, builds the page
//! and runs the native rows, which the browser run then puts into the same table.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use interleave::config::Config;
use interleave::pipeline::Effort;
use interleave::platform::{Cancel, MemorySource, NoProgress, SystemClock};
use interleave::technique::{Job, TechniqueKind, Threads};
use interleave::trace::{Stage, State};

use crate::util::{cmd, release_task, root, run, Result};

/// The workload: every image fitted in 256 px, Lanczos3, PNG compressed fast.
const THUMB: u32 = 256;
/// Timed runs per row; the median is reported.
const REPEATS: usize = 5;

/// Installs what the peers need, builds the page, runs the native rows in a release build of
/// this binary, then every browser row in one headless Chromium session.
pub fn bench(args: &[String], dist: impl Fn() -> Result) -> Result {
    crate::setup::all(true)?;
    npm_ci(&root().join("tests/peers"))?;
    dist()?;
    let native = root().join("target/bench/peers-native.json");
    run(release_task("peers-native").arg(&native).args(args))?;
    let mut c = cmd("node", &["tests/peers/run.mjs", "--native"]);
    c.arg(&native).args(args);
    run(&mut c)
}

/// `npm ci` in the benchmark's own folder, unless its lock file is already installed.
fn npm_ci(dir: &Path) -> Result {
    let stamp = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    if matches!((modified(&stamp), modified(&lock)), (Some(s), Some(l)) if s >= l) {
        return Ok(());
    }
    run(cmd("npm", &["ci", "--no-audit", "--no-fund"]).current_dir(dir))
}

/// The native rows: the engine's threads technique on a rayon pool of 1..N threads, over the
/// sample photos held in memory; writes them, with the configuration the browser rows must use,
/// as JSON to `out`.
pub fn native(args: &[String]) -> Result {
    let out = PathBuf::from(args.first().ok_or("usage: peers-native <out.json>")?);
    let threads = flag(args, "--threads").unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    let repeats = flag(args, "--repeats").unwrap_or(REPEATS);
    let images = photos()?;
    let config = Config {
        techniques: vec![TechniqueKind::Threads],
        thumb: THUMB,
        effort: Effort::Fast,
        images: images.len() as u32,
        ..Config::default()
    };
    let job = Job::new(
        Arc::new(MemorySource::from(images)),
        config.thumb_spec(),
        config.network,
        config.seed,
    );
    let mut rows = Vec::new();
    for n in 1..=threads {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build()?;
        // Wall ms, ms spent in the CPU stages (as the browser rows count them), PNG bytes.
        let once = || -> Result<(f64, f64, u64)> {
            let start = Instant::now();
            let out = pool
                .install(|| Threads.run_sync(&job, &SystemClock, &NoProgress, &Cancel::default()));
            let ms = start.elapsed().as_secs_f64() * 1e3;
            let mut bytes = 0;
            for (task, outcome) in out.outcomes.iter().enumerate() {
                let t = outcome.as_ref().map_err(|e| format!("image {task}: {e}"))?;
                check_png(&t.png, THUMB, THUMB).map_err(|e| format!("image {task}: {e}"))?;
                bytes += t.png.len() as u64;
            }
            let stage_us: f64 = (out.trace.spans.iter())
                .filter(|s| s.state == State::Running && Stage::CPU.contains(&s.stage))
                .map(|s| s.duration_us())
                .sum();
            Ok((ms, stage_us / 1e3, bytes))
        };
        once()?; // warm-up: the pool's threads start, caches fill
        let cpu0 = cpu_seconds()?;
        let (mut walls, mut stages, mut bytes) = (Vec::new(), Vec::new(), 0);
        for _ in 0..repeats {
            let (ms, stage_ms, b) = once()?;
            walls.push(ms);
            stages.push(stage_ms);
            bytes = b;
        }
        let cpu = cpu_seconds()? - cpu0;
        eprintln!("native, {n} thread(s): {walls:.0?} ms");
        rows.push(serde_json::json!({
            "id": format!("native-{n}"),
            "threads": n,
            "walls_ms": walls,
            "stages_ms": stages,
            "cpu_s": cpu,
            "images": job.tasks(),
            "png_bytes": bytes,
        }));
    }
    let doc = serde_json::json!({ "config": config, "rows": rows });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, serde_json::to_string_pretty(&doc)?)?;
    Ok(())
}

fn flag(args: &[String], name: &str) -> Option<usize> {
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
}

/// The sample library's 16 photos (2000×2000 JPEG q90), the same files the browser rows read.
pub(crate) fn photos() -> Result<Vec<Vec<u8>>> {
    let dir = root().join("www/samples/photos");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e} (run `cargo xtask assets`)", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    paths.sort();
    Ok(paths
        .iter()
        .map(std::fs::read)
        .collect::<std::io::Result<_>>()?)
}

/// A PNG file of `width`×`height`, read from its IHDR chunk.
fn check_png(png: &[u8], width: u32, height: u32) -> std::result::Result<(), String> {
    let be = |at: usize| {
        png.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if png.get(..8) != Some(b"\x89PNG\r\n\x1a\n".as_slice()) || png.get(12..16) != Some(b"IHDR") {
        return Err("not a PNG file".into());
    }
    match (be(16), be(20)) {
        (Some(w), Some(h)) if (w, h) == (width, height) => Ok(()),
        (w, h) => Err(format!("PNG of {w:?}×{h:?}, expected {width}×{height}")),
    }
}

/// CPU time of this process, all threads, user + system, from `/proc/self/stat` (in clock
/// ticks of 10 ms: runs are long enough for that).
pub(crate) fn cpu_seconds() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name, which may contain spaces: state is the 3rd field,
    // utime and stime the 14th and 15th.
    let rest = stat
        .rsplit_once(") ")
        .ok_or("unreadable /proc/self/stat")?
        .1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields
        .get(11..13)
        .ok_or("unreadable /proc/self/stat")?
        .iter()
        .map(|f| f.parse::<f64>().unwrap_or(0.0))
        .sum();
    Ok(ticks / 100.0)
}

#[cfg(test)]
mod tests {
    use super::check_png;

    #[test]
    fn reads_the_size_of_a_png_from_its_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(256u32.to_be_bytes());
        png.extend(192u32.to_be_bytes());
        assert!(check_png(&png, 256, 192).is_ok());
        assert!(check_png(&png, 256, 256).is_err());
        assert!(check_png(b"GIF89a", 1, 1).is_err());
    }
}
