//! A seeded mutation fuzzer, on stable Rust: no cargo-fuzz, no nightly. Seeds are valid files;
//! each execution mutates one (bit flips, interesting bytes, cuts, splices, lying header
//! sizes) and runs it through the pipeline. A finding is a panic, an input slower than the
//! time limit, or a result that breaks the pipeline's promises. The same for the URL parser.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crate::config::Link;
use crate::pipeline::{self, thumbnail_size, ThumbSpec, MAX_IMAGE_PIXELS};

/// One input that broke a promise.
#[derive(Clone, Debug)]
pub struct Finding {
    /// What went wrong.
    pub what: String,
    /// The input (for queries, its UTF-8 bytes).
    pub input: Vec<u8>,
}

/// What a fuzz run did.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Inputs run.
    pub executions: u64,
    /// Inputs that broke a promise (at most one per distinct `what`).
    pub findings: Vec<Finding>,
    /// The slowest input's time.
    pub slowest: Duration,
}

impl Report {
    fn record(&mut self, what: String, input: &[u8]) {
        if !self.findings.iter().any(|f| f.what == what) {
            self.findings.push(Finding {
                what,
                input: input.to_vec(),
            });
        }
    }
}

/// When to stop: after a number of executions (reproducible, for tests) or a time.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    /// Exactly this many inputs.
    Executions(u64),
    /// Until this much time has passed.
    Time(Duration),
}

impl Budget {
    fn more(self, executions: u64, start: Instant) -> bool {
        match self {
            Budget::Executions(n) => executions < n,
            Budget::Time(t) => start.elapsed() < t,
        }
    }
}

/// Mutates a copy of `base`; `other` is a second seed for splices.
pub fn mutate(rng: &mut fastrand::Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    for _ in 0..rng.usize(1..=4) {
        if b.is_empty() {
            break;
        }
        // Most mutations hit the first kilobyte: the headers decide most code paths.
        let head = b.len().min(1024);
        let at = if rng.bool() {
            rng.usize(..head)
        } else {
            rng.usize(..b.len())
        };
        match rng.u8(..8) {
            0 => b[at] ^= 1 << rng.u8(..8),
            1 => {
                b[at] = *rng
                    .choice(&[0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0xD9, 0xDA])
                    .unwrap_or(&0)
            }
            2 => b.truncate(at),
            3 => {
                // Splice: our prefix, the other seed's suffix.
                let from = rng.usize(..=other.len());
                b.truncate(at);
                b.extend_from_slice(&other[from..]);
            }
            4 => {
                let len = rng.usize(1..=16).min(b.len() - at);
                b.drain(at..at + len);
            }
            5 => {
                let end = (at + rng.usize(1..=64)).min(b.len());
                let chunk = b[at..end].to_vec();
                b.splice(at..at, chunk);
            }
            6 => rewrite_size(rng, &mut b),
            _ => {
                let value = *rng
                    .choice(&[0u32, 1, 0x7FFF, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0xFFFF_FFFF])
                    .unwrap_or(&0);
                let end = (at + 4).min(b.len());
                b[at..end].copy_from_slice(&value.to_be_bytes()[..end - at]);
            }
        }
    }
    // Half the time, PNG checksums are made right again, so that the mutation gets past the
    // CRC check into the decoder.
    if b.starts_with(b"\x89PNG") && rng.bool() {
        fix_png_crcs(&mut b);
    }
    b
}

/// Recomputes the CRC of every whole chunk.
fn fix_png_crcs(b: &mut [u8]) {
    let mut i = 8;
    while let Some(len) = b
        .get(i..i + 4)
        .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]))
    {
        let end = i + 8 + len as usize;
        let Some(body) = b.get(i + 4..end) else {
            return;
        };
        let crc = crc32fast::hash(body).to_be_bytes();
        match b.get_mut(end..end + 4) {
            Some(slot) => slot.copy_from_slice(&crc),
            None => return,
        }
        i = end + 4;
    }
}

/// Sets the width or height in a JPEG, PNG or GIF header to an awkward value. PNG headers get
/// a fixed CRC, so that the size reaches the decoder instead of the checksum test.
fn rewrite_size(rng: &mut fastrand::Rng, b: &mut [u8]) {
    let value = *rng
        .choice(&[0u32, 1, 2, 7, 8, 9, 255, 4096, 16_385, 65_535])
        .unwrap_or(&1);
    if b.starts_with(&[0xFF, 0xD8]) {
        if let Some(i) = b
            .windows(2)
            .position(|w| w[0] == 0xFF && (0xC0..=0xC2).contains(&w[1]))
        {
            let at = i + 5 + 2 * rng.usize(..2);
            if let Some(field) = b.get_mut(at..at + 2) {
                field.copy_from_slice(&(value as u16).to_be_bytes());
            }
        }
    } else if b.starts_with(b"\x89PNG") && b.len() >= 33 {
        let at = 16 + 4 * rng.usize(..2);
        b[at..at + 4].copy_from_slice(&value.to_be_bytes());
        let crc = crc32fast::hash(&b[12..29]);
        b[29..33].copy_from_slice(&crc.to_be_bytes());
    } else if b.starts_with(b"GIF") && b.len() >= 10 {
        let at = 6 + 2 * rng.usize(..2);
        b[at..at + 2].copy_from_slice(&(value as u16).to_le_bytes());
    }
}

/// Runs one input through the pipeline; `Err` says which promise it broke.
pub fn check_pipeline(input: &[u8], spec: &ThumbSpec, limit: Duration) -> Result<(), String> {
    let start = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<String, String> {
        let px = match pipeline::decode(input, spec) {
            Ok(px) => px,
            Err(e) => return Ok(e.to_string()),
        };
        if u64::from(px.width) * u64::from(px.height) > MAX_IMAGE_PIXELS {
            return Err(format!(
                "decoded {}×{}, over the budget",
                px.width, px.height
            ));
        }
        let small = pipeline::resize(&px, spec).map_err(|e| format!("resize failed: {e:#}"))?;
        let want = thumbnail_size(px.width, px.height, spec.max_side);
        if (small.width, small.height) != want || small.width == 0 || small.height == 0 {
            return Err(format!(
                "thumbnail {}×{}, want {want:?}",
                small.width, small.height
            ));
        }
        pipeline::encode(&small, spec.effort).map_err(|e| format!("encode failed: {e:#}"))?;
        Ok(String::new())
    }));
    let elapsed = start.elapsed();
    let message = match outcome {
        Err(panic) => return Err(format!("panic: {}", panic_text(&*panic))),
        Ok(Err(broken)) => return Err(broken),
        Ok(Ok(message)) => message,
    };
    if elapsed > limit {
        return Err(format!("took {elapsed:?} (limit {limit:?})"));
    }
    // The headline is for people: the decoders' own words stay in the detail.
    if ["Format error", "error decoding", "{", "\n"]
        .iter()
        .any(|w| message.contains(w))
    {
        return Err(format!("message is not plain: {message}"));
    }
    Ok(())
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Mutates `seeds` (valid files) with `seed` until `budget` is spent.
pub fn fuzz_pipeline(seeds: &[Vec<u8>], seed: u64, budget: Budget, limit: Duration) -> Report {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut report = Report::default();
    let start = Instant::now();
    while !seeds.is_empty() && budget.more(report.executions, start) {
        let base = &seeds[rng.usize(..seeds.len())];
        let other = &seeds[rng.usize(..seeds.len())];
        let input = mutate(&mut rng, base, other);
        // Small thumbnails reach every DCT scale; large ones the full-size paths.
        let spec = ThumbSpec::fit(*rng.choice(&[1, 8, 64, 256, 4096]).unwrap_or(&256));
        let t = Instant::now();
        if let Err(what) = check_pipeline(&input, &spec, limit) {
            report.record(what, &input);
        }
        report.slowest = report.slowest.max(t.elapsed());
        report.executions += 1;
    }
    report
}

/// Random and mutated query strings: `from_query` must not panic, and the link (configuration
/// and view) it reads must survive `to_query` unchanged and without notices.
pub fn fuzz_query(seed: u64, budget: Budget) -> Report {
    const KEYS: [&str; 17] = [
        "v",
        "by-image",
        "explain",
        "embed",
        "techniques",
        "threads",
        "images",
        "set",
        "thumb",
        "latency",
        "jitter",
        "bandwidth",
        "connections",
        "seed",
        "autorun",
        "zoom",
        "",
    ];
    const VALUES: [&str; 20] = [
        "",
        "0",
        "1",
        "-1",
        "2",
        "auto",
        "999999999999999999999",
        "18446744073709551615",
        "18446744073709551616",
        "sequential,threads",
        "cooperative,,processes",
        "photos",
        "small",
        "%",
        "%FF%FE",
        "%E2%80%AE",
        "+1+",
        "true",
        "1e3",
        "\u{1F600}",
    ];
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut report = Report::default();
    let start = Instant::now();
    while budget.more(report.executions, start) {
        let mut q = String::new();
        if rng.bool() {
            q.push('?');
        }
        for _ in 0..rng.usize(0..6) {
            let key = KEYS[rng.usize(..KEYS.len())];
            let value = VALUES[rng.usize(..VALUES.len())];
            q.push_str(&format!("{key}={value}&"));
        }
        let mut bytes = mutate(&mut rng, q.as_bytes(), b"=&%+");
        if rng.u8(..4) == 0 {
            bytes = (0..rng.usize(0..40)).map(|_| rng.u8(..)).collect();
        }
        let q = String::from_utf8_lossy(&bytes).into_owned();
        let outcome = catch_unwind(|| {
            let (c, _) = Link::from_query(&q);
            let (again, notices) = Link::from_query(&c.to_query());
            (c, again, notices)
        });
        match outcome {
            Err(panic) => report.record(format!("panic: {}", panic_text(&*panic)), q.as_bytes()),
            Ok((c, again, notices)) if c != again || !notices.is_empty() => report.record(
                format!("round trip changed the configuration ({notices:?})"),
                q.as_bytes(),
            ),
            Ok(_) => {}
        }
        report.executions += 1;
    }
    report
}
