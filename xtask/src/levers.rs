//! `cargo xtask bench levers`: the engine's own choices measured natively on the sample photos,
//! one thread, CPU time per image — PNG effort (time against size) and the resize kernel (SIMD
//! against the image crate's, and the plain kernel on two threads against SIMD on one: an
//! algorithm against a core), and the JPEG decoders (decoders.rs). CPU time, not wall time, so other load on the machine changes
//! little; ratios within one run are what to read.

use std::time::Instant;

use interleave::pipeline::{decode, encode, resize, Effort, Kernel, Pixels, ThumbSpec};
use rayon::prelude::*;

use crate::peers::{cpu_seconds, photos};
use crate::util::{release_task, run, Result};

/// Passes over the 16 photos per measurement (CPU time is counted in 10 ms ticks).
const PASSES: usize = 3;

/// Builds this binary in release (as the wasm builds are) and runs the measurements.
pub fn bench() -> Result {
    run(&mut release_task("levers-native"))
}

/// CPU ms per image and wall ms per pass of `work` over `inputs`, after one untimed pass.
pub(crate) fn measure<T, O>(inputs: &[T], work: impl Fn(&T) -> O) -> Result<(f64, f64)> {
    inputs.iter().for_each(|i| drop(work(i)));
    let (cpu0, start) = (cpu_seconds()?, Instant::now());
    for _ in 0..PASSES {
        inputs.iter().for_each(|i| drop(work(i)));
    }
    let per = (PASSES * inputs.len()) as f64;
    let cpu_ms = (cpu_seconds()? - cpu0) * 1e3 / per;
    Ok((cpu_ms, start.elapsed().as_secs_f64() * 1e3 / PASSES as f64))
}

fn spec(max_side: u32, effort: Effort, kernel: Kernel) -> ThumbSpec {
    ThumbSpec {
        max_side,
        effort,
        kernel,
    }
}

/// The photos decoded for `max_side` (shrink-on-load, as the pipeline does).
fn decoded(photos: &[Vec<u8>], max_side: u32) -> Result<Vec<Pixels>> {
    let s = spec(max_side, Effort::Fast, Kernel::Simd);
    Ok(photos
        .iter()
        .map(|p| decode(p, &s))
        .collect::<std::result::Result<_, _>>()?)
}

/// Prints the tables.
pub fn native() -> Result {
    let photos = photos()?;
    println!(
        "PNG effort, one thread, {} photos × {PASSES}:\n",
        photos.len()
    );
    println!("| thumbnail | effort | encode, CPU ms / image | PNG KB / image | × fast's time | × fast's size |");
    println!("|---|---|---:|---:|---:|---:|");
    for side in [256, 600] {
        let small: Vec<Pixels> = decoded(&photos, side)?
            .iter()
            .map(|px| resize(px, &spec(side, Effort::Fast, Kernel::Simd)))
            .collect::<std::result::Result<_, _>>()?;
        let mut fast = None;
        for effort in Effort::ALL {
            let (cpu, _) = measure(&small, |px| encode(px, effort))?;
            let bytes: usize = small
                .iter()
                .map(|px| encode(px, effort).map(|t| t.png.len()))
                .sum::<std::result::Result<_, _>>()?;
            let kb = bytes as f64 / small.len() as f64 / 1024.0;
            let (t0, k0) = *fast.get_or_insert((cpu, kb));
            println!(
                "| {side} px | {} | {cpu:.2} | {kb:.1} | {:.2} | {:.2} |",
                effort.id(),
                cpu / t0,
                kb / k0
            );
        }
    }
    println!("\nResize kernel (Lanczos3), from the shrink-on-load decode:\n");
    println!("| thumbnail | kernel | CPU ms / image, 1 thread | wall ms / batch, 1 thread | wall ms / batch, 2 threads |");
    println!("|---|---|---:|---:|---:|");
    let two = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
    for side in [600, 1024] {
        let big = decoded(&photos, side)?;
        for kernel in Kernel::ALL {
            let s = spec(side, Effort::Fast, kernel);
            let (cpu, wall) = measure(&big, |px| resize(px, &s))?;
            // The whole batch on the pool of two: one image a task.
            let start = Instant::now();
            for _ in 0..PASSES {
                two.install(|| big.par_iter().for_each(|px| drop(resize(px, &s))));
            }
            let wall2 = start.elapsed().as_secs_f64() * 1e3 / PASSES as f64;
            println!(
                "| {side} px | {} | {cpu:.2} | {wall:.0} | {wall2:.0} |",
                kernel.id()
            );
        }
    }
    crate::decoders::native(&photos)
}
