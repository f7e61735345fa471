//! The description of each technique, in the talks' order: where it runs and how it waits for
//! I/O, what it shares and what it costs, when it wins and loses; then what a run measured.

use crate::kind::TechniqueKind;
use crate::model::ideal_schedule;
use crate::stats::{efficiency, io_fraction, total_us};
use crate::trace::{Stage, State, Trace};

/// A finished run, as far as its description quotes it.
#[derive(Clone, Copy, Debug)]
pub struct Figures<'a> {
    /// The technique's trace.
    pub trace: &'a Trace,
    /// Its speedup against sequential in the same run, where that is meaningful.
    pub speedup: Option<f64>,
    /// Requests in flight at most (the run's network setting): the ideal schedule needs it.
    pub connections: u32,
    /// Sequential's trace in the same run: how I/O-bound the work was.
    pub baseline: Option<&'a Trace>,
}

/// One paragraph: a lead-in and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Paragraph {
    /// What it is about ("Where it runs", "This run"…).
    pub topic: &'static str,
    /// The text.
    pub text: String,
}

/// What the page says about `kind` with `workers` threads or processes, and, given a run,
/// its figures.
pub fn describe(kind: TechniqueKind, workers: u32, run: Option<&Figures<'_>>) -> Vec<Paragraph> {
    let [runs, shares, wins] = general(kind, workers);
    let mut out = vec![
        para("Where it runs", runs),
        para("Shares and costs", shares),
        para("Wins and loses", wins),
    ];
    match run {
        Some(run) => {
            if let Some(base) = run.baseline.filter(|b| b.wall_us() > 0.0) {
                let io = io_fraction(base);
                let verdict = if io < 0.2 {
                    "CPU-bound: cores decide"
                } else if io > 0.6 {
                    "I/O-bound: overlapping the waits decides"
                } else {
                    "mixed"
                };
                out[2].text += &format!(
                    " This run's work was {:.0} % waiting on I/O (in sequential's run): {verdict}.",
                    100.0 * io
                );
            }
            out.push(para("This run", this_run(kind, run)));
            out.push(para("Benchmark", benchmark(run)));
        }
        None => out.push(para(
            "This run",
            "Press Run: the figures of the run will be filled in here.".into(),
        )),
    }
    out
}

fn para(topic: &'static str, text: String) -> Paragraph {
    Paragraph { topic, text }
}

fn general(kind: TechniqueKind, n: u32) -> [String; 3] {
    match kind {
        TechniqueKind::Sequential => [
            "In one Web Worker, one image after another: fetch, then decode, resize and encode. \
             It awaits each request before the next, so nothing overlaps."
                .into(),
            "Nothing is shared, nothing copied but the finished thumbnails; no lock, no switch. \
             Its cost is that every wait and every computation happen in turn."
                .into(),
            "The baseline: every speedup here is its wall time ÷ another's. Nothing beats it on \
             one image or a tiny batch, where the others pay set-up costs for nothing."
                .into(),
        ],
        TechniqueKind::SequentialMain => [
            "The same loop as sequential (the same code, below), called on the page's main \
             thread. Awaiting a request hands the thread back to the page; the CPU stages do \
             not, so the page freezes while each image is decoded, resized and encoded."
                .into(),
            "It shares the main thread with everything the page does: rendering, input, this \
             text. No copies, no locks: the cost is responsiveness rather than time."
                .into(),
            "It never wins: at best it ties with sequential in a worker, and while it computes, \
             clicks and scrolling wait. This is what doing heavy work inline feels like."
                .into(),
        ],
        TechniqueKind::Threads => [
            format!(
                "A rayon pool of {n} threads (Web Workers on one shared wasm memory), each \
                 taking whole images. A thread blocks in its own request (a synchronous fetch, \
                 then an atomics wait): {n} requests at most are in flight, one per thread."
            ),
            "One memory for all: images and thumbnails are not copied, and the pool is started \
             once, before the run. The costs are contention (the allocator, the memory bus) and \
             blocked threads that hold a core's place while they wait."
                .into(),
            format!(
                "It wins on CPU-bound work with free cores: up to {n}× on {n} cores. It loses on \
                 I/O-bound work with few threads (only {n} waits overlap) and on tiny batches."
            ),
        ],
        TechniqueKind::Gil => [
            format!(
                "The same {n} threads, but one global lock is held for every CPU stage and \
                 released for I/O, as CPython's GIL is. Threads still block in their own \
                 requests, and those waits overlap. With the yield knob inside stages, a thread \
                 that has held the lock for the switch interval hands it to a waiting one at \
                 the next band, as CPython does every 5 ms."
            ),
            "One memory, as with threads; the lock decides who computes. The costs are the \
             lock's hand-offs (a thread wakes up and takes it) and the time threads spend ready, \
             waiting for it."
                .into(),
            "It wins on I/O-bound work, where the waits overlap as with threads. It loses on \
             CPU-bound work: no faster than sequential, a little slower for the hand-offs."
                .into(),
        ],
        TechniqueKind::Cooperative => [
            "Every image is a future on the main thread, all started at once. Each awaits its \
             request and yields to the event loop before every stage (and, with the yield knob \
             inside stages, between bands of resize and encode): the waits overlap, and the \
             page stays live between yields."
                .into(),
            "One thread, one memory: nothing is copied and no lock is needed, since one task \
             runs at a time and switches happen only where the code awaits. A switch costs an \
             event-loop turn; a long stage still holds everyone up."
                .into(),
            "It wins on I/O-bound work: many waits overlap for the price of one thread, up to \
             the connection limit. It loses on CPU-bound work: one core does it all."
                .into(),
        ],
        TechniqueKind::Processes => [
            format!(
                "{n} workers, each its own wasm instance and memory. Each is handed the next \
                 image as a message, fetches it (awaiting, one request per process), makes the \
                 thumbnail and sends it back."
            ),
            "Nothing is shared: work and results cross as messages and are copied. The costs \
             are starting each process (load and instantiate the engine) and copying every \
             thumbnail back; both are drawn on the timeline."
                .into(),
            "It wins on CPU-bound batches big enough to pay for its start-up: separate memories \
             do not contend. It loses on small batches, where spawning and copying dominate."
                .into(),
        ],
    }
}

/// The run's own figures: what this technique spent where.
fn this_run(kind: TechniqueKind, run: &Figures<'_>) -> String {
    let t = run.trace;
    let lanes = t.lanes.len().max(1);
    let fetch = total_us(t, State::Blocked, Some(Stage::Fetch));
    let cpu = total_us(t, State::Running, None);
    let ready = total_us(t, State::Ready, None);
    let ideal = ideal_schedule(t, run.connections);
    let o = ideal.overhead;
    let mut text = match kind {
        TechniqueKind::Sequential => format!(
            "It waited {} for requests, one at a time, and computed for {}.",
            ms(fetch),
            ms(cpu)
        ),
        TechniqueKind::SequentialMain => format!(
            "It computed for {} on the main thread; its longest freeze was {} (one image's \
             CPU stages back to back), that long the page could not answer a click.",
            ms(cpu),
            ms(longest_task_cpu(t))
        ),
        TechniqueKind::Threads => format!(
            "{lanes} threads ran up to {} stages at once and computed for {} in all; they were \
             blocked in their own requests for {} (summed over threads){}.",
            t.max_parallelism(),
            ms(cpu),
            ms(fetch),
            if ready > 0.0 {
                format!(" and waited {} for memory", ms(ready))
            } else {
                String::new()
            }
        ),
        TechniqueKind::Gil => format!(
            "Threads waited {} for the lock (summed over {lanes} threads), and at most {} CPU \
             stage ran at once; up to {} requests were in flight together.",
            ms(ready),
            t.max_parallelism(),
            t.max_in_flight()
        ),
        TechniqueKind::Cooperative => format!(
            "Up to {} requests were in flight at once on one thread; for {} a task was ready \
             but none ran (yields, event-loop turns).",
            t.max_in_flight(),
            ms(o.switch_us)
        ),
        TechniqueKind::Processes => {
            let startup: f64 = t
                .lanes
                .iter()
                .filter_map(|l| l.startup_us)
                .fold(0.0, |a, (s, e)| a + (e - s).max(0.0));
            let transfer = total_us(t, State::Blocked, Some(Stage::Transfer));
            format!(
                "Processes spent {} starting workers ({} each on average, in parallel) and {} \
                 copying results back in this run.",
                ms(startup),
                ms(startup / lanes as f64),
                ms(transfer)
            )
        }
    };
    if o.predicted_us > 0.0 {
        let parts: Vec<String> = o
            .parts()
            .iter()
            .filter(|(name, us)| *us >= 500.0 && *name != "remainder")
            .map(|(name, us)| format!("{name} {}", ms(*us)))
            .collect();
        text += &format!(
            " With the same stage costs and no overhead it would take {}; it took {:.0} ms{}.",
            ms(o.predicted_us),
            t.wall_us() / 1000.0,
            if parts.is_empty() {
                String::new()
            } else {
                format!(" (of wall time: {})", parts.join(", "))
            }
        );
    }
    text
}

/// The card's benchmark in words: wall, speedup, efficiency.
fn benchmark(run: &Figures<'_>) -> String {
    let t = run.trace;
    let lanes = t.lanes.len().max(1) as u32;
    let wall = format!("Wall time {:.0} ms", t.wall_us() / 1000.0);
    match run.speedup {
        // Efficiency (speedup ÷ lanes) says how well cores were used: one lane has one.
        Some(s) if lanes > 1 => format!(
            "{wall}, {s:.2}× sequential's speed, efficiency {:.0} % over {lanes} lanes \
             (speedup ÷ lanes{}): the figures above the timeline.",
            100.0 * efficiency(s, lanes),
            if efficiency(s, lanes) > 1.05 {
                "; above 100 % the gain is overlapped waits, not cores"
            } else {
                ""
            }
        ),
        Some(s) => format!(
            "{wall}, {s:.2}× sequential's speed, on one lane (so no efficiency over cores to \
             speak of): the figures above the timeline."
        ),
        None => format!(
            "{wall}. No speedup: it is shown only when sequential finished in the same run and \
             both made the same thumbnails."
        ),
    }
}

/// The most CPU time any one task took: on a thread that never yields between its stages,
/// the longest stretch the thread was not free.
fn longest_task_cpu(t: &Trace) -> f64 {
    let mut per_task = vec![0.0; t.tasks as usize];
    for s in t.running() {
        if let Some(total) = per_task.get_mut(s.task as usize) {
            *total += s.duration_us();
        }
    }
    per_task.into_iter().fold(0.0, f64::max)
}

/// Microseconds as milliseconds for prose: one decimal below 10 ms.
fn ms(us: f64) -> String {
    let ms = us / 1000.0;
    if ms.abs() >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}
