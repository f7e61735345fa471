//! Scaling over N: the measured speedup curve of an N sweep, the serial fraction it implies
//! (Karp–Flatt), and the curves to draw next to it (Amdahl's law, Gustafson's line).

use serde::{Deserialize, Serialize};

use crate::stats::{efficiency, karp_flatt, speedup, Spread};

/// Whether `workers` threads or processes oversubscribe `cores`: more of them than cores, so
/// they time-share and no more speedup can be expected from cores.
pub fn oversubscribed(workers: u32, cores: u32) -> bool {
    workers > cores
}

/// One N of a sweep: its repeats' walls, and the speedup against the baseline's median.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// Threads or processes of the runs.
    pub workers: u32,
    /// The runs' wall times, µs.
    pub wall_us: Spread,
    /// Baseline median wall ÷ median wall.
    pub speedup: f64,
    /// The speedups of the fastest and the slowest run (against the baseline median).
    pub speedup_range: (f64, f64),
    /// Speedup ÷ workers.
    pub efficiency: f64,
    /// More workers than cores.
    pub oversubscribed: bool,
}

/// The points of a sweep: for each N, the walls (µs) of its repeats, against the median of
/// `baseline_us` (the sequential runs of the same session). N without a finite wall, and
/// everything when the baseline has none, are left out. Sorted by N.
pub fn sweep(baseline_us: &[f64], runs: &[(u32, Vec<f64>)], cores: u32) -> Vec<SweepPoint> {
    let Some(base) = Spread::of(baseline_us) else {
        return Vec::new();
    };
    let mut points: Vec<SweepPoint> = runs
        .iter()
        .filter_map(|(n, walls)| {
            let wall = Spread::of(walls)?;
            let s = speedup(base.median, wall.median);
            Some(SweepPoint {
                workers: *n,
                wall_us: wall,
                speedup: s,
                speedup_range: (
                    speedup(base.median, wall.max),
                    speedup(base.median, wall.min),
                ),
                efficiency: efficiency(s, (*n).max(1)),
                oversubscribed: oversubscribed(*n, cores),
            })
        })
        .collect();
    points.sort_by_key(|p| p.workers);
    points
}

/// The serial fraction a sweep implies: Karp–Flatt at each N > 1, and their mean and spread.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SerialFraction {
    /// The mean over N.
    pub mean: f64,
    /// The lowest estimate.
    pub min: f64,
    /// The highest estimate.
    pub max: f64,
    /// The estimate at each N, in N order.
    pub per_workers: Vec<(u32, f64)>,
}

impl SerialFraction {
    /// The mean, held to 0..=1, for drawing Amdahl's curve: noise or superlinear effects can
    /// put an estimate outside, where the law means nothing.
    pub fn clamped(&self) -> f64 {
        self.mean.clamp(0.0, 1.0)
    }
}

/// Karp–Flatt over every (N, speedup) with N > 1 and a finite, positive speedup. Points
/// marked oversubscribed should be left out by the caller: time-sharing is not serial work.
/// `None` when no point qualifies.
pub fn serial_fraction(points: &[(u32, f64)]) -> Option<SerialFraction> {
    let mut per_workers: Vec<(u32, f64)> = points
        .iter()
        .filter(|(_, s)| s.is_finite() && *s > 0.0)
        .filter_map(|&(n, s)| karp_flatt(s, n).map(|e| (n, e)))
        .collect();
    per_workers.sort_by_key(|p| p.0);
    let estimates: Vec<f64> = per_workers.iter().map(|p| p.1).collect();
    let spread = Spread::of(&estimates)?;
    Some(SerialFraction {
        mean: estimates.iter().sum::<f64>() / estimates.len() as f64,
        min: spread.min,
        max: spread.max,
        per_workers,
    })
}

/// The serial fraction of a sweep's points, leaving out oversubscribed ones.
pub fn sweep_serial_fraction(points: &[SweepPoint]) -> Option<SerialFraction> {
    let within: Vec<(u32, f64)> = points
        .iter()
        .filter(|p| !p.oversubscribed)
        .map(|p| (p.workers, p.speedup))
        .collect();
    serial_fraction(&within)
}

/// Amdahl's law from a serial fraction: the fixed-size speedup on `workers`,
/// 1 ÷ (s + (1 − s) ÷ N).
pub fn amdahl_speedup(serial: f64, workers: u32) -> f64 {
    amdahl_at(serial, f64::from(workers.max(1)))
}

/// Amdahl's law at a real `workers` (≥ 1), for drawing the curve between whole N.
pub fn amdahl_at(serial: f64, workers: f64) -> f64 {
    1.0 / (serial + (1.0 - serial) / workers.max(1.0))
}

/// Gustafson's law from a serial fraction: the scaled speedup on `workers` when the work
/// grows with N, N − s × (N − 1).
pub fn gustafson_speedup(serial: f64, workers: u32) -> f64 {
    let n = f64::from(workers.max(1));
    n - serial * (n - 1.0)
}

/// Amdahl's curve at each of `workers`, as (N, speedup) points to draw.
pub fn amdahl_curve(serial: f64, workers: impl IntoIterator<Item = u32>) -> Vec<(u32, f64)> {
    workers
        .into_iter()
        .map(|n| (n, amdahl_speedup(serial, n)))
        .collect()
}

/// Gustafson's line at each of `workers`, as (N, speedup) points to draw.
pub fn gustafson_line(serial: f64, workers: impl IntoIterator<Item = u32>) -> Vec<(u32, f64)> {
    workers
        .into_iter()
        .map(|n| (n, gustafson_speedup(serial, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn karp_flatt_of_an_amdahl_curve_returns_its_serial_fraction() {
        for serial in [0.0, 0.1, 0.25, 0.9] {
            let curve = amdahl_curve(serial, 1..=8);
            let f = serial_fraction(&curve).unwrap();
            assert!((f.mean - serial).abs() < 1e-12, "{serial}: {f:?}");
            assert!(f.max - f.min < 1e-12);
            // N = 1 says nothing about the serial fraction.
            assert_eq!(f.per_workers.len(), 7);
            assert_eq!(f.per_workers[0].0, 2);
        }
        assert_eq!(serial_fraction(&[(1, 1.0)]), None);
        assert_eq!(serial_fraction(&[(2, f64::NAN), (3, 0.0)]), None);
    }

    #[test]
    fn a_noisy_curve_has_a_spread_and_superlinear_is_clamped() {
        // Speedups a little above and below Amdahl's for s = 0.2.
        let noisy: Vec<(u32, f64)> = amdahl_curve(0.2, 2..=5)
            .into_iter()
            .zip([1.02, 0.97, 1.01, 0.99])
            .map(|((n, s), k)| (n, s * k))
            .collect();
        let f = serial_fraction(&noisy).unwrap();
        assert!(f.min < 0.2 && 0.2 < f.max, "{f:?}");
        assert!((f.mean - 0.2).abs() < 0.03, "{f:?}");
        let superlinear = serial_fraction(&[(2, 2.5)]).unwrap();
        assert!(superlinear.mean < 0.0);
        assert_eq!(superlinear.clamped(), 0.0);
    }

    #[test]
    fn amdahl_and_gustafson_bound_and_scale() {
        for n in 1..=16 {
            // No serial work: both are N; all serial: both are 1.
            assert!((amdahl_speedup(0.0, n) - f64::from(n)).abs() < 1e-12);
            assert!((gustafson_speedup(0.0, n) - f64::from(n)).abs() < 1e-12);
            assert!((amdahl_speedup(1.0, n) - 1.0).abs() < 1e-12);
            assert!((gustafson_speedup(1.0, n) - 1.0).abs() < 1e-12);
            // Growing the work always scales at least as well as fixing it.
            assert!(gustafson_speedup(0.1, n) >= amdahl_speedup(0.1, n) - 1e-12);
            assert!(amdahl_speedup(0.1, n) < 10.0);
        }
        assert_eq!(gustafson_line(0.5, [1, 3]), vec![(1, 1.0), (3, 2.0)]);
        let c = amdahl_curve(0.1, 1..=4);
        assert!(c.windows(2).all(|w| w[1].1 > w[0].1), "{c:?}");
    }

    #[test]
    fn a_sweep_takes_medians_marks_oversubscription_and_skips_it_in_the_fit() {
        let base = vec![1000.0, 990.0, 1200.0];
        let per_n = |n: u32| {
            let ideal = 1000.0 / amdahl_speedup(0.1, n);
            (n, vec![ideal * 1.3, ideal, ideal * 0.99])
        };
        // Four workers on two cores: slower than Amdahl says, and marked.
        let mut runs: Vec<(u32, Vec<f64>)> = (1..=3).rev().map(per_n).collect();
        runs.push((4, vec![900.0]));
        let points = sweep(&base, &runs, 3);
        assert_eq!(
            points.iter().map(|p| p.workers).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(
            points.iter().map(|p| p.oversubscribed).collect::<Vec<_>>(),
            [false, false, false, true]
        );
        let p2 = points[1];
        assert!((p2.speedup - amdahl_speedup(0.1, 2)).abs() < 1e-12);
        assert_eq!(p2.efficiency, p2.speedup / 2.0);
        assert!(p2.speedup_range.0 < p2.speedup && p2.speedup < p2.speedup_range.1);
        let f = sweep_serial_fraction(&points).unwrap();
        assert!((f.mean - 0.1).abs() < 1e-12, "{f:?}");
        assert_eq!(f.per_workers.len(), 2);
        assert!(sweep(&[], &runs, 2).is_empty());
        assert!(oversubscribed(3, 2) && !oversubscribed(2, 2));
    }
}
