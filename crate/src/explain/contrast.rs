//! "Concurrency is not parallelism", in a run's own figures: cooperative tasks keep many
//! images in flight on one lane, running one stage at a time; threads (or processes) run
//! stages at the same instant on several lanes.

use crate::model::concurrency;
use crate::trace::Trace;

/// The caption that sets a cooperative run (`interleaved`) against a parallel one
/// (`parallel`), with the figures each trace shows.
pub fn contrast(interleaved: &Trace, parallel: &Trace) -> String {
    let c = concurrency(interleaved);
    let p = concurrency(parallel);
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    format!(
        "{}: {} on {}, {} — concurrency. {}: {} on {} — parallelism.",
        interleaved.technique.label(),
        plural(c.tasks_in_flight, "task interleaved", "tasks interleaved"),
        plural(c.lanes, "lane", "lanes"),
        if c.running_at_once <= 1 {
            "one stage at a time".to_string()
        } else {
            format!("up to {} stages at once", c.running_at_once)
        },
        parallel.technique.label(),
        plural(p.running_at_once, "stage at once", "stages at once"),
        plural(p.lanes, "lane", "lanes"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::TechniqueKind;

    #[test]
    fn the_caption_quotes_each_trace() {
        let traces = crate::trace::fixtures::real_traces();
        let of = |kind| traces.iter().find(|t| t.technique == kind).expect("a run");
        let coop = of(TechniqueKind::Cooperative);
        let threads = of(TechniqueKind::Threads);
        let text = contrast(coop, threads);
        let c = concurrency(coop);
        let p = concurrency(threads);
        assert!(
            text.starts_with(&format!(
                "Cooperative tasks: {} tasks interleaved on 1 lane, one stage at a time — concurrency."
            , c.tasks_in_flight)),
            "{text}"
        );
        assert!(
            text.ends_with(&format!(
                "Threads: {} on {} lanes — parallelism.",
                if p.running_at_once == 1 {
                    "1 stage at once".to_string()
                } else {
                    format!("{} stages at once", p.running_at_once)
                },
                p.lanes
            )),
            "{text}"
        );
    }
}
