//! Presenter mode's link parameters: `present=1` shows one step at a time in large type, and
//! `step=<k>` which one, so that a slide can link to a step. Step 0 is the primer, steps 1 to
//! N one chosen technique each, step N + 1 the summary of the run.

use std::ops::RangeInclusive;

/// Presenter mode, and the step it shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Present {
    /// Whether the page is in presenter mode.
    pub on: bool,
    /// The step shown: 0 the primer, then one per chosen technique, then the summary.
    pub step: u32,
}

/// What a presenter step shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The title and the primer.
    Primer,
    /// One technique: the index in the chosen techniques.
    Technique(usize),
    /// Every technique compared.
    Summary,
}

impl Present {
    /// How many steps there are with `techniques` chosen techniques.
    pub fn steps(techniques: usize) -> u32 {
        techniques as u32 + 2
    }

    /// The steps a link may name with `techniques` chosen techniques.
    pub fn range(techniques: usize) -> RangeInclusive<u32> {
        0..=Self::steps(techniques) - 1
    }

    /// What step `step` shows with `techniques` chosen techniques (past the end: the summary).
    pub fn what(step: u32, techniques: usize) -> Step {
        match step as usize {
            0 => Step::Primer,
            k if k <= techniques => Step::Technique(k - 1),
            _ => Step::Summary,
        }
    }

    /// This mode at `step`, kept within the steps of `techniques` chosen techniques.
    pub fn at(self, step: i64, techniques: usize) -> Present {
        let last = i64::from(Self::steps(techniques) - 1);
        Present {
            step: step.clamp(0, last) as u32,
            ..self
        }
    }

    /// Reads `present` or `step` (`key`), noting a value it cannot use.
    pub(super) fn read(&mut self, key: &str, value: &str, note: &mut impl FnMut(&str, String)) {
        match key {
            "present" => {
                self.on = match value {
                    "1" | "true" | "" => true,
                    "0" | "false" => false,
                    _ => {
                        note(
                            "present",
                            format!("“{value}” is not 0 or 1; showing the whole page"),
                        );
                        false
                    }
                }
            }
            _ => match value.parse::<u32>() {
                Ok(step) => self.step = step,
                Err(_) => note(
                    "step",
                    format!("“{value}” is not a step number; starting at step 0, the primer"),
                ),
            },
        }
    }

    /// After every parameter is read: a step past the last is the last, and a step outside
    /// presenter mode is dropped.
    pub(super) fn check(&mut self, techniques: usize, note: &mut impl FnMut(&str, String)) {
        let last = *Self::range(techniques).end();
        if !self.on && self.step != 0 {
            note(
                "step",
                "a step means something only in presenter mode (present=1); ignored".into(),
            );
            self.step = 0;
        } else if self.step > last {
            note(
                "step",
                format!(
                    "{} is past the last step ({last}, the summary, with {techniques} techniques); using {last}",
                    self.step
                ),
            );
            self.step = last;
        }
    }

    /// Writes `present` and `step` when they differ from the defaults.
    pub(super) fn write(&self, q: &mut form_urlencoded::Serializer<'_, String>) {
        if self.on {
            q.append_pair("present", "1");
            if self.step != 0 {
                q.append_pair("step", &self.step.to_string());
            }
        }
    }
}

/// A notice for presenter parameters, as [`super::Config::from_query`] makes them.
#[cfg(test)]
pub(super) fn notices_of(query: &str) -> Vec<super::Notice> {
    super::Config::from_query(query)
        .1
        .into_iter()
        .filter(|n| n.param == "present" || n.param == "step")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn presenter_links_round_trip_and_step_with_the_speaker() {
        let (c, notices) = Config::from_query("?present=1&step=3&techniques=sequential,threads");
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(c.present, Present { on: true, step: 3 });
        assert_eq!(Present::what(3, 2), Step::Summary);
        assert_eq!(Present::what(1, 2), Step::Technique(0));
        assert_eq!(Present::what(0, 2), Step::Primer);
        assert_eq!(Config::from_query(&c.to_query()).0, c);
        assert!(
            c.to_query().contains("present=1&step=3"),
            "{}",
            c.to_query()
        );
        // Stepping stays within the steps.
        assert_eq!(c.present.at(9, 2).step, 3);
        assert_eq!(c.present.at(-1, 2).step, 0);
        // Step 0 and presenter mode off write nothing.
        let home = Present { on: true, step: 0 };
        let q = Config {
            present: home,
            ..Config::default()
        }
        .to_query();
        assert!(q.ends_with("present=1"), "{q}");
        assert_eq!(Config::default().to_query(), "v=2");
    }

    #[test]
    fn bad_presenter_values_are_corrected_with_a_notice() {
        let (c, _) = Config::from_query("present=yes&step=2");
        assert_eq!(c.present, Present::default());
        let notices = notices_of("present=yes&step=2");
        assert_eq!(notices.len(), 2, "{notices:?}");
        assert!(notices[0].message.contains("not 0 or 1"));
        assert!(notices[1].message.contains("only in presenter mode"));

        let (c, _) = Config::from_query("present=1&step=-4");
        assert_eq!(c.present, Present { on: true, step: 0 });
        assert!(notices_of("present=1&step=-4")[0]
            .message
            .contains("not a step number"));

        // Past the end: the summary, whatever order the parameters came in.
        let q = "step=40&present=1&techniques=cooperative";
        assert_eq!(
            Config::from_query(q).0.present,
            Present { on: true, step: 2 }
        );
        assert!(notices_of(q)[0].message.contains("past the last step (2"));
    }
}
