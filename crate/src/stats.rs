//! Numbers computed from traces: speedup, efficiency, Amdahl's law.

use crate::trace::{Stage, Trace};

/// How many times faster `wall_us` is than `baseline_us`.
pub fn speedup(baseline_us: f64, wall_us: f64) -> f64 {
    baseline_us / wall_us
}

/// Speedup per worker: 1.0 means every worker was fully useful.
pub fn efficiency(speedup: f64, workers: u32) -> f64 {
    speedup / f64::from(workers)
}

/// Amdahl's law: the speedup on `workers` of work whose `parallel` fraction (0..=1) scales.
pub fn amdahl(parallel: f64, workers: u32) -> f64 {
    1.0 / ((1.0 - parallel) + parallel / f64::from(workers))
}

/// The Karp–Flatt metric: the serial fraction implied by a measured speedup on `workers`.
/// `None` for one worker, where it is undefined.
pub fn karp_flatt(speedup: f64, workers: u32) -> Option<f64> {
    (workers > 1).then(|| {
        let p = f64::from(workers);
        (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p)
    })
}

/// Total running time of one stage over all tasks, µs.
pub fn stage_total_us(trace: &Trace, stage: Stage) -> f64 {
    trace
        .running()
        .filter(|s| s.stage == stage)
        .map(|s| s.duration_us())
        .sum()
}

/// Median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amdahl_and_karp_flatt_agree() {
        assert_eq!(amdahl(1.0, 4), 4.0);
        assert_eq!(amdahl(0.0, 4), 1.0);
        let s = amdahl(0.9, 2);
        assert!((karp_flatt(s, 2).unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(karp_flatt(1.0, 1), None);
    }

    #[test]
    fn speedup_efficiency_median() {
        assert_eq!(speedup(200.0, 100.0), 2.0);
        assert_eq!(efficiency(1.8, 2), 0.9);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
