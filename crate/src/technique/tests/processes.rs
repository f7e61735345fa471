//! Processes: start-up, messages, and surviving the death of some of them.

use super::*;

#[test]
fn processes_start_take_turns_and_send_results_back() {
    let out = run(
        TechniqueKind::Processes,
        &job(6, slow_network()),
        &Cancel::default(),
    );
    assert_eq!(out.trace.lanes.len(), 2);
    assert!(
        out.trace.lanes.iter().all(|l| l.startup_us.is_some()),
        "start-up is drawn"
    );
    assert_eq!(lanes_used(&out), 2, "both processes took work");
    let transfers = out
        .trace
        .spans
        .iter()
        .filter(|s| s.stage == Stage::Transfer)
        .count();
    assert_eq!(transfers, 6, "one result message per image");
}

#[test]
fn processes_that_do_not_start_fail_every_task_with_the_reason() {
    struct Broken;
    impl Spawner for Broken {
        fn spawn(&self, _lane: u32) -> LocalBoxFuture<'_, Result<Box<dyn Process>, String>> {
            Box::pin(async { Err("no workers here".to_string()) })
        }
    }
    let job = job(3, Network::LOCAL);
    let env = Env {
        clock: &SystemClock,
        events: &NativeLoop,
        progress: &NoProgress,
        cancel: &Cancel::default(),
        home: "test thread",
    };
    let out = block_on(Processes::new(&Broken, 2).run(&job, &env));
    for outcome in &out.outcomes {
        assert!(outcome.as_ref().unwrap_err().contains("no workers here"));
    }
    out.trace.validate(&STAGES).unwrap();
    assert_eq!(out.trace.failures().count(), 3);
}

/// Runs `job` on `count` processes from `spawner`, on the calling thread.
fn on_processes(job: &Job, spawner: &dyn Spawner, count: u32) -> RunOutput {
    let env = Env {
        clock: &SystemClock,
        events: &NativeLoop,
        progress: &NoProgress,
        cancel: &Cancel::default(),
        home: "test thread",
    };
    block_on(Processes::new(spawner, count).run(job, &env))
}

#[test]
fn a_process_that_dies_is_retired_and_the_live_ones_finish_the_batch() {
    let job = job(6, Network::LOCAL);
    let reference = pngs(&run(TechniqueKind::Sequential, &job, &Cancel::default()));
    let spawner = InProcessSpawner {
        dies: |lane, nth, _| lane == 0 && nth == 2,
        ..InProcessSpawner::new(&job)
    };
    let out = on_processes(&job, &spawner, 2);
    assert_eq!(pngs(&out), reference, "byte-identical to sequential");
    out.trace.validate(&STAGES).unwrap();
    let (when, why) = out.trace.lanes[0].retired.clone().expect("lane 0 retired");
    assert!(why.contains("ran out of memory"), "{why}");
    assert!(when >= out.trace.start_us && when <= out.trace.end_us);
    assert_eq!(out.trace.lanes[1].retired, None);
    // Lane 0 made one thumbnail before it died; lane 1 made the other five.
    let made_on = |lane| {
        out.trace
            .spans
            .iter()
            .filter(|s| s.lane == lane && s.stage == Stage::Transfer)
            .count()
    };
    assert_eq!((made_on(0), made_on(1)), (1, 5));
    // The retired lane's task went back to the front of the queue, not to the end.
    let lane1_tasks: Vec<u32> = out
        .trace
        .spans
        .iter()
        .filter(|s| s.lane == 1 && s.stage == Stage::Transfer)
        .map(|s| s.task)
        .collect();
    let at = |t| lane1_tasks.iter().position(|&x| x == t).unwrap();
    assert_eq!(lane1_tasks.len(), 5);
    assert!(
        at(2) < at(4),
        "task 2 waited behind new work: {lane1_tasks:?}"
    );
}

#[test]
fn when_every_process_has_died_the_rest_fail_with_the_reasons() {
    let job = job(6, Network::LOCAL);
    let spawner = InProcessSpawner {
        dies: |_, nth, _| nth == 2,
        ..InProcessSpawner::new(&job)
    };
    let out = on_processes(&job, &spawner, 2);
    out.trace.validate(&STAGES).unwrap();
    assert!(out.trace.lanes.iter().all(|l| l.retired.is_some()));
    assert!(out.outcomes[..2].iter().all(Result::is_ok));
    for outcome in &out.outcomes[2..] {
        let why = outcome.as_ref().unwrap_err();
        assert!(why.contains("no process is left"), "{why}");
        assert!(
            why.contains("process 0 died: it ran out of memory"),
            "{why}"
        );
        assert!(
            why.contains("process 1 died: it ran out of memory"),
            "{why}"
        );
    }
}

#[test]
fn an_image_that_kills_every_process_it_meets_fails_alone() {
    let job = job(6, Network::LOCAL);
    let spawner = InProcessSpawner {
        dies: |_, _, task| task == 3,
        ..InProcessSpawner::new(&job)
    };
    let out = on_processes(&job, &spawner, 3);
    out.trace.validate(&STAGES).unwrap();
    let failed: Vec<usize> = (0..6).filter(|&i| out.outcomes[i].is_err()).collect();
    assert_eq!(failed, [3]);
    let why = out.outcomes[3].as_ref().unwrap_err();
    assert!(
        why.contains(&format!("{MAX_CRASHES} processes died")),
        "{why}"
    );
    let retired = out.trace.lanes.iter().filter(|l| l.retired.is_some());
    assert_eq!(retired.count(), MAX_CRASHES as usize);
}
