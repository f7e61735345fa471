use super::*;
use crate::trace::fixtures::{awkward_trace, real_traces};

/// The line of each technique that must stay in its snippet: what the panel says the
/// technique does hangs on it.
fn must_show(kind: TechniqueKind) -> &'static [&'static str] {
    match kind {
        TechniqueKind::Sequential | TechniqueKind::SequentialMain => {
            &["for task in 0..job.tasks() {", "run_task(&hook"]
        }
        TechniqueKind::Threads => &[".into_par_iter()", "complete(run_task("],
        TechniqueKind::Gil => &[
            "lock.acquire(",
            "stage.is_cpu()",
            ".fetch_blocking(",
            "l.offer(",
        ],
        TechniqueKind::Cooperative => &["join_all(tasks).await", "yield_now().await"],
        TechniqueKind::Processes => &["self.spawner.spawn(lane)", "process.run(task).await"],
    }
}

#[test]
fn every_region_exists_is_long_enough_and_shows_its_key_lines() {
    for kind in TechniqueKind::ALL {
        let snippets = snippets(kind);
        assert_eq!(
            snippets.len(),
            regions(kind).len(),
            "{kind:?}: a region is missing"
        );
        let lines: Vec<&Line> = snippets.iter().flat_map(|s| &s.lines).collect();
        assert!(lines.len() >= 12, "{kind:?}: {} lines", lines.len());
        assert!(lines.iter().any(|l| l.key), "{kind:?}: no key line");
        for needle in must_show(kind) {
            assert!(
                lines.iter().any(|l| l.key && l.text.contains(needle)),
                "{kind:?}: `{needle}` is not a key line"
            );
        }
    }
}

#[test]
fn snippets_are_the_source_lines_verbatim_less_markers_and_indent() {
    for kind in TechniqueKind::ALL {
        for snippet in snippets(kind) {
            let file = SOURCES.iter().find(|f| f.path == snippet.path).unwrap();
            let source: Vec<&str> = file.text.lines().collect();
            // The first shown line is where the snippet says it is.
            let first = source[snippet.first_line - 1];
            assert!(first.ends_with(snippet.lines[0].text.trim_end()));
            for line in &snippet.lines {
                assert!(!line.text.contains("explain:"), "{}", line.text);
                assert!(
                    source.iter().any(|s| {
                        let s = s.strip_suffix(KEY).map_or(*s, str::trim_end);
                        s.ends_with(line.text.as_str())
                            && s[..s.len() - line.text.len()].trim().is_empty()
                    }),
                    "{}: `{}` is not in the source",
                    snippet.path,
                    line.text
                );
            }
        }
    }
}

#[test]
fn the_compiled_sources_are_the_files_on_disk() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for file in SOURCES {
        let disk = std::fs::read_to_string(format!("{root}/{}", file.path)).unwrap();
        assert_eq!(disk, file.text, "{}", file.path);
    }
}

#[test]
fn markers_are_found_and_stripped() {
    let text = "fn f() {\n    // explain:begin r\n    let a = 1; // explain:key\n    // explain:key\n    if a {\n        b();\n    }\n    // explain:end r\n}\n";
    let s = extract("x.rs", text, "r").unwrap();
    let shown: Vec<(&str, bool)> = s.lines.iter().map(|l| (l.text.as_str(), l.key)).collect();
    assert_eq!(
        shown,
        [
            ("let a = 1;", true),
            ("if a {", true),
            ("    b();", false),
            ("}", false)
        ]
    );
    assert_eq!(s.first_line, 3);
    assert_eq!(extract("x.rs", text, "other"), None);
    assert_eq!(extract("x.rs", "// explain:begin r\nx\n", "r"), None);
}

fn joined(tokens: &[Token<'_>]) -> String {
    tokens.iter().map(|t| t.text).collect()
}

#[test]
fn highlighting_round_trips_every_snippet_and_every_source() {
    for kind in TechniqueKind::ALL {
        for snippet in snippets(kind) {
            let text = snippet.text();
            assert_eq!(joined(&tokenize(&text)), text);
            let lines = tokenize_lines(&text);
            assert_eq!(lines.len(), snippet.lines.len());
            for (tokens, line) in lines.iter().zip(&snippet.lines) {
                assert_eq!(joined(tokens), line.text);
            }
        }
    }
    for file in SOURCES {
        assert_eq!(joined(&tokenize(file.text)), file.text);
    }
}

#[test]
fn highlighting_classifies_rust() {
    let src = "let s = \"a \\\" b\"; // note\nfoo!(x, 'c', '\\n', 1.5e3, 0..n) /* a /* b */ c */ r#\"raw\"# Vec<'a> ×";
    let got: Vec<(Class, &str)> = tokenize(src)
        .into_iter()
        .filter(|t| t.class != Class::Plain)
        .map(|t| (t.class, t.text))
        .collect();
    assert_eq!(
        got,
        [
            (Class::Keyword, "let"),
            (Class::Str, "\"a \\\" b\""),
            (Class::Comment, "// note"),
            (Class::Macro, "foo"),
            (Class::Str, "'c'"),
            (Class::Str, "'\\n'"),
            (Class::Number, "1.5e3"),
            (Class::Number, "0"),
            (Class::Comment, "/* a /* b */ c */"),
            (Class::Str, "r#\"raw\"#"),
            (Class::Type, "Vec"),
            (Class::Lifetime, "'a"),
        ]
    );
    // Unterminated literals and stray quotes still round-trip.
    for src in ["\"open", "'", "/* open", "r#\"open", "é'", "x != y", "'\\"] {
        assert_eq!(joined(&tokenize(src)), src);
    }
}

#[test]
fn descriptions_quote_the_run() {
    for trace in real_traces() {
        let kind = trace.technique;
        let run = Figures {
            trace,
            speedup: Some(1.5),
            connections: 6,
            baseline: real_traces().first(),
        };
        let text: String = describe(kind, 2, Some(&run))
            .iter()
            .map(|p| p.text.clone())
            .collect();
        let wall = format!("{:.0} ms", trace.wall_us() / 1000.0);
        assert!(text.contains(&wall), "{kind:?}: {wall} not in {text}");
        assert!(text.contains("1.50×"), "{text}");
        assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    }
    let mut processes = awkward_trace();
    processes.technique = TechniqueKind::Processes;
    let run = Figures {
        trace: &processes,
        speedup: None,
        connections: 6,
        baseline: None,
    };
    let this_run = &describe(TechniqueKind::Processes, 2, Some(&run))[3].text;
    assert!(
        this_run.contains("0.1 ms starting workers") && this_run.contains("0.0 ms copying"),
        "{this_run}"
    );
    for kind in TechniqueKind::ALL {
        let none = describe(kind, 4, None);
        assert!(none.len() >= 4 && none.iter().all(|p| !p.text.is_empty()));
    }
}
