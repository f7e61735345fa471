//! Several timed runs of one technique: which run stands for them, and speedup from medians.

use crate::stats::{self, Scaling, Spread};
use crate::trace::Trace;

/// The run that stands for several: the one whose wall is the median (for an even count, the
/// lower of the middle two), by index into `walls_us`. Values that are not finite are left
/// out; `None` when none is left.
pub fn median_run(walls_us: &[f64]) -> Option<usize> {
    let mut order: Vec<usize> = (0..walls_us.len())
        .filter(|&i| walls_us[i].is_finite())
        .collect();
    // Stable: of equal walls, the earlier run.
    order.sort_by(|&a, &b| walls_us[a].total_cmp(&walls_us[b]));
    order.get(order.len().checked_sub(1)? / 2).copied()
}

/// One timed run as the comparison needs it: the thumbnails it made and its wall, µs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// Thumbnails made.
    pub made: usize,
    /// Wall time, µs.
    pub wall_us: f64,
}

/// Speedup and efficiency of a technique's runs against sequential's runs of the same session,
/// from the medians of both (so one lucky or unlucky run cannot decide it). Only when every run
/// of both made the same number of thumbnails, and some: a run whose images failed did other
/// work, and is no faster for it. Efficiency is speedup ÷ `workers`.
pub fn repeated_speedup(baseline: &[Measured], runs: &[Measured], workers: u32) -> Option<Scaling> {
    let made = baseline.first()?.made;
    let same = baseline.iter().chain(runs).all(|m| m.made == made);
    if made == 0 || !same {
        return None;
    }
    let walls = |m: &[Measured]| m.iter().map(|m| m.wall_us).collect::<Vec<f64>>();
    stats::median_speedup(&walls(baseline), &walls(runs), workers).filter(|s| s.speedup.is_finite())
}

/// The spread of the walls of `runs`, µs.
pub fn spread(runs: &[Measured]) -> Option<Spread> {
    Spread::of(&runs.iter().map(|m| m.wall_us).collect::<Vec<f64>>())
}

/// For each trace of a session, which repeat of its technique it is (from 1, in the order
/// given) and how many repeats of that technique there are.
pub fn repeat_numbers(traces: &[Trace]) -> Vec<(u32, u32)> {
    traces
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let same = |u: &&Trace| u.technique == t.technique;
            let before = traces[..i].iter().filter(same).count() as u32;
            (before + 1, traces.iter().filter(same).count() as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::TechniqueKind;

    #[test]
    fn the_median_run_is_a_real_run() {
        assert_eq!(median_run(&[30.0, 10.0, 20.0]), Some(2));
        // Even count: the lower middle run, never an average no run had.
        assert_eq!(median_run(&[40.0, 10.0, 30.0, 20.0]), Some(3));
        assert_eq!(median_run(&[5.0]), Some(0));
        assert_eq!(median_run(&[f64::NAN, 7.0, f64::INFINITY]), Some(1));
        assert_eq!(median_run(&[]), None);
        assert_eq!(median_run(&[f64::NAN]), None);
        // Equal walls keep their order.
        assert_eq!(median_run(&[2.0, 2.0, 2.0]), Some(1));
        // For an odd count the median run's wall is the median.
        let walls = [812.0, 790.0, 1500.0, 801.0, 795.0];
        let m = Spread::of(&walls).unwrap();
        assert_eq!(walls[median_run(&walls).unwrap()], m.median);
        assert!(m.min <= m.median && m.median <= m.max);
    }

    fn runs(made: usize, walls: &[f64]) -> Vec<Measured> {
        walls
            .iter()
            .map(|&wall_us| Measured { made, wall_us })
            .collect()
    }

    #[test]
    fn speedup_from_medians_only_for_the_same_work() {
        let base = runs(4, &[1000.0, 1200.0, 990.0]);
        let fast = runs(4, &[480.0, 520.0, 2000.0]);
        let s = repeated_speedup(&base, &fast, 2).unwrap();
        assert_eq!(s.speedup, 1000.0 / 520.0);
        assert_eq!(s.efficiency, s.speedup / 2.0);
        assert_eq!(s.workers, 2);
        // A run that made fewer thumbnails did other work.
        let mut odd = fast.clone();
        odd[1].made = 3;
        assert_eq!(repeated_speedup(&base, &odd, 2), None);
        assert_eq!(
            repeated_speedup(&runs(0, &[5.0]), &runs(0, &[5.0]), 1),
            None
        );
        assert_eq!(repeated_speedup(&[], &fast, 2), None);
        assert_eq!(repeated_speedup(&base, &[], 2), None);
        assert_eq!(spread(&fast).unwrap().max, 2000.0);
    }

    fn trace(technique: TechniqueKind) -> Trace {
        Trace {
            technique,
            lanes: vec![],
            spans: vec![],
            tasks: 0,
            start_us: 0.0,
            end_us: 1.0,
            cancelled: vec![],
            build: None,
        }
    }

    #[test]
    fn repeats_are_numbered_per_technique() {
        use TechniqueKind::{Sequential as S, Threads as T};
        let traces: Vec<Trace> = [S, T, S, T, S].into_iter().map(trace).collect();
        assert_eq!(
            repeat_numbers(&traces),
            [(1, 3), (1, 2), (2, 3), (2, 2), (3, 3)]
        );
        assert!(repeat_numbers(&[]).is_empty());
    }
}
