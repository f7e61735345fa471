//! `cargo xtask fuzz [--seconds N] [--seed S]`: the long run of the engine's fuzzer
//! (`interleave::corpus::fuzz`): the decode pipeline on mutated corpus files and samples, and
//! the URL parser on random queries. Findings are written to `target/fuzz/`.

use std::fs;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use interleave::corpus::{self, fuzz};
use interleave::images::{sample_jpeg, SampleSpec};

use crate::util::{root, Result};

/// Slower than this is a finding: a thumbnail must never stall a run.
const LIMIT: Duration = Duration::from_secs(3);

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
}

/// Fuzzes for `--seconds` (default 60) on both cores; fails if anything was found.
pub fn run(args: &[String]) -> Result {
    let seconds: u64 = arg(args, "--seconds").unwrap_or(60);
    let seed: u64 = arg(args, "--seed").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_secs())
    });
    println!("fuzzing for {seconds} s with --seed {seed} (pass it again to repeat a run)");
    let mut seeds: Vec<Vec<u8>> = corpus::cases()?
        .into_iter()
        .filter(|c| matches!(c.expect, corpus::Expect::Ok { .. }) && c.bytes.len() < 256 * 1024)
        .map(|c| c.bytes)
        .collect();
    let spec = SampleSpec {
        seed,
        count: 4,
        width: 160,
        height: 120,
    };
    seeds.extend((0..4).map(|i| sample_jpeg(&spec, i)));
    // Nine tenths for images, split over the two cores; the rest for queries.
    let images = fuzz::Budget::Time(Duration::from_millis(seconds * 900));
    let queries = fuzz::Budget::Time(Duration::from_millis(seconds * 100));
    let (a, b) = std::thread::scope(|s| {
        let other = s.spawn(|| fuzz::fuzz_pipeline(&seeds, seed ^ 0x5EED, images, LIMIT));
        let mine = fuzz::fuzz_pipeline(&seeds, seed, images, LIMIT);
        (mine, other.join())
    });
    let b = b.map_err(|_| "a fuzz thread panicked outside the checks")?;
    let q = fuzz::fuzz_query(seed, queries);
    println!(
        "pipeline: {} executions, slowest {:?}; queries: {} executions",
        a.executions + b.executions,
        a.slowest.max(b.slowest),
        q.executions
    );
    let findings: Vec<_> = [a, b, q].into_iter().flat_map(|r| r.findings).collect();
    if findings.is_empty() {
        println!("no findings");
        return Ok(());
    }
    let dir = root().join("target/fuzz");
    fs::create_dir_all(&dir)?;
    for (i, f) in findings.iter().enumerate() {
        let path = dir.join(format!("finding-{seed}-{i}.bin"));
        fs::write(&path, &f.input)?;
        println!("finding: {} ({})", f.what, path.display());
    }
    Err(format!("{} findings", findings.len()).into())
}
