//! The page's main thread while a technique ran: when each animation frame began, and the
//! long tasks the browser reported. A frame that comes late is a page that could not respond
//! (no click, scroll or progress bar moves until it comes).

use serde::{Deserialize, Serialize};

/// A nominal frame period (60 Hz), µs, used when too few frames came to measure it.
pub const NOMINAL_PERIOD_US: f64 = 1e6 / 60.0;

/// What the main thread's frames did during one run. Times in µs on the traces' clock.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Frames {
    /// When watching began (just before the run).
    pub start_us: f64,
    /// When the run ended.
    pub end_us: f64,
    /// When each animation frame began, in order.
    pub frames_us: Vec<f64>,
    /// Long tasks (over 50 ms) the browser reported, as (start, end); empty where the browser
    /// does not report them.
    pub long_tasks: Vec<(f64, f64)>,
    /// Whether the browser reports long tasks at all.
    pub long_tasks_supported: bool,
    /// Whether the page was hidden at some point (then browsers pause frames: gaps mean nothing).
    pub hidden: bool,
}

/// The time between two frames (or between the start or end of watching and the nearest frame).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gap {
    /// When the gap began, µs.
    pub start_us: f64,
    /// When it ended (the next frame, or the end of the run), µs.
    pub end_us: f64,
}

impl Gap {
    /// Its length, µs.
    pub fn us(&self) -> f64 {
        self.end_us - self.start_us
    }
}

impl Frames {
    /// The gaps from the start of watching through every frame to the end of the run: the time
    /// the page went without a frame. Frames outside the watch are left out.
    pub fn gaps(&self) -> Vec<Gap> {
        let inside = self
            .frames_us
            .iter()
            .copied()
            .filter(|t| t.is_finite() && *t >= self.start_us && *t <= self.end_us);
        let points: Vec<f64> = std::iter::once(self.start_us)
            .chain(inside)
            .chain(std::iter::once(self.end_us))
            .collect();
        points
            .windows(2)
            .map(|w| Gap {
                start_us: w[0],
                end_us: w[1].max(w[0]),
            })
            .collect()
    }

    /// The longest the page went without a frame, µs.
    pub fn longest_gap_us(&self) -> f64 {
        self.gaps().iter().map(Gap::us).fold(0.0, f64::max)
    }

    /// The display's frame period, µs: the lower quartile of the gaps between frames (late
    /// frames are the exception, not the rule), within 4–50 ms; 60 Hz when fewer than four
    /// frame-to-frame gaps were seen.
    pub fn period_us(&self) -> f64 {
        let mut between: Vec<f64> = self
            .frames_us
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|g| g.is_finite() && *g > 0.0)
            .collect();
        if between.len() < 4 {
            return NOMINAL_PERIOD_US;
        }
        between.sort_by(f64::total_cmp);
        between[between.len() / 4].clamp(4_000.0, 50_000.0)
    }

    /// Frames the display wanted but the page did not draw: each gap over two periods counts
    /// the periods it covered, less the one frame that ended it.
    pub fn dropped(&self) -> u32 {
        let period = self.period_us();
        self.gaps()
            .iter()
            .map(Gap::us)
            .filter(|&g| g > 2.0 * period)
            .map(|g| (g / period).round() as u32 - 1)
            .sum()
    }

    /// The gaps long enough to be felt (over 1.5 periods), for the strip under the timeline.
    pub fn late(&self) -> Vec<Gap> {
        let period = self.period_us();
        self.gaps()
            .into_iter()
            .filter(|g| g.us() > 1.5 * period)
            .collect()
    }

    /// Time in long tasks, summed, µs.
    pub fn long_task_us(&self) -> f64 {
        self.long_tasks
            .iter()
            .map(|(a, b)| (b - a).max(0.0))
            .filter(|d| d.is_finite())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames every `period` µs from `from` to `to`, with none inside `freeze`.
    fn frames(period: f64, from: f64, to: f64, freeze: Option<(f64, f64)>) -> Frames {
        let mut t = from;
        let mut frames_us = Vec::new();
        while t <= to {
            if freeze.is_none_or(|(a, b)| t <= a || t >= b) {
                frames_us.push(t);
            }
            t += period;
        }
        Frames {
            start_us: from,
            end_us: to,
            frames_us,
            ..Frames::default()
        }
    }

    #[test]
    fn a_smooth_run_drops_nothing() {
        let f = frames(16_000.0, 0.0, 1_600_000.0, None);
        assert_eq!(f.period_us(), 16_000.0);
        assert_eq!(f.longest_gap_us(), 16_000.0);
        assert_eq!(f.dropped(), 0);
        assert!(f.late().is_empty());
    }

    #[test]
    fn a_freeze_is_its_longest_gap_and_its_missed_frames() {
        // Frames at 0, 16, 32 ms, then none until 512 ms: a 480 ms freeze, 29 frames missed.
        let f = frames(16_000.0, 0.0, 1_000_000.0, Some((32_000.0, 512_000.0)));
        assert_eq!(f.longest_gap_us(), 480_000.0);
        assert_eq!(f.dropped(), 29);
        let late = f.late();
        assert_eq!(late.len(), 1);
        assert_eq!((late[0].start_us, late[0].end_us), (32_000.0, 512_000.0));
    }

    #[test]
    fn the_ends_of_the_watch_count() {
        // A run that froze from its start to its end drew no frame at all: one gap, all of it.
        let f = Frames {
            start_us: 100.0,
            end_us: 300_100.0,
            frames_us: vec![50.0, 400_000.0],
            ..Frames::default()
        };
        assert_eq!(f.gaps().len(), 1);
        assert_eq!(f.longest_gap_us(), 300_000.0);
        assert_eq!(f.period_us(), NOMINAL_PERIOD_US);
        assert_eq!(f.dropped(), 17);
        // A gap of just under two periods is jitter, not a missed frame.
        let g = Frames {
            start_us: 0.0,
            end_us: 31_000.0,
            ..Frames::default()
        };
        assert_eq!(g.dropped(), 0);
    }

    #[test]
    fn long_tasks_add_up() {
        let f = Frames {
            long_tasks: vec![(0.0, 60_000.0), (100_000.0, 180_000.0), (5.0, f64::NAN)],
            ..Frames::default()
        };
        assert_eq!(f.long_task_us(), 140_000.0);
    }
}
