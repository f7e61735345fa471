//! A recorded N sweep: every run's wall time, thumbnails made and I/O share, by technique and
//! N, from which the scaling chart's figures are computed (and recomputed from a trace file).

use serde::{Deserialize, Serialize};

use super::fit::{self, SerialFraction, SweepPoint};
use crate::stats::median;
use crate::technique::TechniqueKind;

/// One run of a sweep, as measured from its trace.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRun {
    /// The technique (sequential: the baseline).
    pub technique: TechniqueKind,
    /// N it ran with (for sequential: the N whose turn it ran in).
    pub workers: u32,
    /// Its trace's wall time, µs.
    pub wall_us: f64,
    /// Thumbnails it made.
    pub made: u32,
    /// Share of its work spent waiting on I/O ([`crate::stats::io_fraction`]).
    pub io_fraction: f64,
}

/// A sweep: threads and processes at N = 1 to `max`, with sequential runs as the baseline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepRecord {
    /// Logical cores of the machine (N beyond them oversubscribes).
    pub cores: u32,
    /// The largest N.
    pub max: u32,
    /// Runs of each swept technique at each N.
    pub repeats: u32,
    /// Every complete run, in the order they ran.
    pub runs: Vec<SweepRun>,
}

impl SweepRecord {
    fn baseline(&self) -> impl Iterator<Item = &SweepRun> {
        self.runs
            .iter()
            .filter(|r| r.technique == TechniqueKind::Sequential)
    }

    /// The measured points of `kind`: speedup against the median of the sequential runs, with
    /// the spread of its runs at each N. Runs that made fewer thumbnails than sequential
    /// (images failed) did other work and are left out.
    pub fn points(&self, kind: TechniqueKind) -> Vec<SweepPoint> {
        let made = self.baseline().map(|r| r.made).max().unwrap_or(0);
        if made == 0 {
            return Vec::new();
        }
        let base: Vec<f64> = self.baseline().map(|r| r.wall_us).collect();
        let per_n: Vec<(u32, Vec<f64>)> = (1..=self.max)
            .map(|n| {
                let walls = self
                    .runs
                    .iter()
                    .filter(|r| r.technique == kind && r.workers == n && r.made == made)
                    .map(|r| r.wall_us)
                    .collect();
                (n, walls)
            })
            .collect();
        fit::sweep(&base, &per_n, self.cores)
    }

    /// The serial fraction `kind`'s points imply (Karp–Flatt, oversubscribed N left out).
    pub fn serial(&self, kind: TechniqueKind) -> Option<SerialFraction> {
        fit::sweep_serial_fraction(&self.points(kind))
    }

    /// The share of the sequential runs' work spent waiting on I/O (their median).
    pub fn io_fraction(&self) -> Option<f64> {
        let shares: Vec<f64> = self.baseline().map(|r| r.io_fraction).collect();
        median(&shares)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(technique: TechniqueKind, workers: u32, wall_us: f64) -> SweepRun {
        SweepRun {
            technique,
            workers,
            wall_us,
            made: 8,
            io_fraction: 0.1,
        }
    }

    /// A sweep whose threads follow Amdahl's law with serial fraction `serial` exactly.
    fn amdahl_sweep(serial: f64, cores: u32, max: u32) -> SweepRecord {
        let seq = 1_000_000.0;
        let mut runs = Vec::new();
        for n in 1..=max {
            runs.push(run(TechniqueKind::Sequential, n, seq));
            // Past the cores, N time-share: no faster than at the cores.
            let s = fit::amdahl_speedup(serial, n.min(cores));
            runs.push(run(TechniqueKind::Threads, n, seq / s));
        }
        SweepRecord {
            cores,
            max,
            repeats: 1,
            runs,
        }
    }

    #[test]
    fn a_saved_sweep_gives_back_its_serial_fraction_and_points() {
        let record = amdahl_sweep(0.2, 4, 8);
        let json = serde_json::to_string(&record).expect("a sweep serialises");
        let back: SweepRecord = serde_json::from_str(&json).expect("and reads back");
        assert_eq!(back, record);
        let points = back.points(TechniqueKind::Threads);
        assert_eq!(points.len(), 8, "one point per N");
        assert!(points.iter().all(|p| p.oversubscribed == (p.workers > 4)));
        let e = back
            .serial(TechniqueKind::Threads)
            .expect("N = 2..4 qualify");
        assert!((e.mean - 0.2).abs() < 1e-9, "{e:?}");
        assert_eq!(e.per_workers.len(), 3, "oversubscribed N are left out");
        assert!(back.points(TechniqueKind::Processes).is_empty());
    }

    #[test]
    fn runs_that_made_other_thumbnails_and_empty_baselines_are_left_out() {
        let mut record = amdahl_sweep(0.1, 2, 4);
        record.runs.push(SweepRun {
            made: 7,
            ..run(TechniqueKind::Threads, 2, 1.0)
        });
        let at_2 = record.points(TechniqueKind::Threads)[1];
        assert_eq!(
            at_2.wall_us.min, at_2.wall_us.max,
            "the short run is not among them"
        );
        record
            .runs
            .retain(|r| r.technique != TechniqueKind::Sequential);
        assert!(record.points(TechniqueKind::Threads).is_empty());
        assert_eq!(record.io_fraction(), None);
    }
}
