//! What the page says about each technique: the code that runs it, cut from this crate's own
//! source at build time, and a description with the figures of a run filled in.
//!
//! The code cannot drift from what runs: each snippet is a region of a technique's source file
//! (`include_str!`) between `// explain:begin <name>` and `// explain:end <name>` lines, and a
//! test fails if a region goes missing or shrinks. The lines that decide a technique's
//! behaviour carry `// explain:key` at their end, or on the line before them where rustfmt
//! would move a trailing comment; the display strips the markers and marks those lines.

mod contrast;
mod describe;
mod highlight;

pub use contrast::contrast;
pub use describe::{describe, Figures, Paragraph};
pub use highlight::{tokenize, tokenize_lines, Class, Token};

use crate::kind::TechniqueKind;

/// A source file of this crate, as compiled into it.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile {
    /// Its path from the repository's root.
    pub path: &'static str,
    /// Its text.
    pub text: &'static str,
}

/// The files that snippets come from.
pub const SOURCES: [SourceFile; 5] = [
    SourceFile {
        path: "crate/src/technique/sequential.rs",
        text: include_str!("../technique/sequential.rs"),
    },
    SourceFile {
        path: "crate/src/technique/parallel.rs",
        text: include_str!("../technique/parallel.rs"),
    },
    SourceFile {
        path: "crate/src/technique/cooperative.rs",
        text: include_str!("../technique/cooperative.rs"),
    },
    SourceFile {
        path: "crate/src/technique/awaiting.rs",
        text: include_str!("../technique/awaiting.rs"),
    },
    SourceFile {
        path: "crate/src/technique/processes.rs",
        text: include_str!("../technique/processes.rs"),
    },
];

/// Where a technique's code is: (file, region) pairs, shown in this order.
pub fn regions(kind: TechniqueKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        // The same loop runs in a worker and on the main thread: only the caller differs.
        TechniqueKind::Sequential | TechniqueKind::SequentialMain => {
            &[("crate/src/technique/sequential.rs", "sequential")]
        }
        TechniqueKind::Threads => &[("crate/src/technique/parallel.rs", "threads")],
        TechniqueKind::Gil => &[
            ("crate/src/technique/parallel.rs", "threads"),
            ("crate/src/technique/parallel.rs", "gil"),
        ],
        TechniqueKind::Cooperative => &[
            ("crate/src/technique/cooperative.rs", "cooperative"),
            ("crate/src/technique/awaiting.rs", "awaiting"),
        ],
        TechniqueKind::Processes => &[("crate/src/technique/processes.rs", "processes")],
    }
}

/// One line of a snippet, markers stripped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The line as in the source, less the region's common indentation and any marker.
    pub text: String,
    /// Whether it decides the technique's behaviour.
    pub key: bool,
}

/// A region of a source file, ready to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The file's path from the repository's root.
    pub path: &'static str,
    /// The region's name.
    pub name: &'static str,
    /// Line number (from 1) in the file of the first line shown.
    pub first_line: usize,
    /// The lines.
    pub lines: Vec<Line>,
}

impl Snippet {
    /// The lines joined with newlines: what the highlighter reads.
    pub fn text(&self) -> String {
        let lines: Vec<&str> = self.lines.iter().map(|l| l.text.as_str()).collect();
        lines.join("\n")
    }
}

const KEY: &str = "// explain:key";

/// The region `name` of `text` (from the file at `path`), or `None` if its begin or end marker
/// is missing.
pub fn extract(path: &'static str, text: &str, name: &'static str) -> Option<Snippet> {
    let begin = format!("// explain:begin {name}");
    let end = format!("// explain:end {name}");
    let all: Vec<&str> = text.lines().collect();
    let start = all.iter().position(|l| l.trim() == begin)? + 1;
    let len = all[start..].iter().position(|l| l.trim() == end)?;
    let mut lines = Vec::with_capacity(len);
    let mut key_next = false;
    let mut first_line = None;
    for (i, raw) in all[start..start + len].iter().enumerate() {
        if raw.trim() == KEY {
            key_next = true;
            continue;
        }
        first_line.get_or_insert(start + i + 1);
        let (text, trailing) = match raw.strip_suffix(KEY) {
            Some(code) => (code.trim_end(), true),
            None => (*raw, false),
        };
        lines.push(Line {
            text: text.to_string(),
            key: trailing || std::mem::take(&mut key_next),
        });
    }
    let indent = lines
        .iter()
        .filter(|l| !l.text.trim().is_empty())
        .map(|l| l.text.len() - l.text.trim_start().len())
        .min()
        .unwrap_or(0);
    for line in &mut lines {
        line.text = line.text.get(indent..).unwrap_or("").to_string();
    }
    Some(Snippet {
        path,
        name,
        first_line: first_line.unwrap_or(start + 1),
        lines,
    })
}

/// The code of `kind`, one snippet per region; a region that is missing is left out (a test
/// makes sure none is).
pub fn snippets(kind: TechniqueKind) -> Vec<Snippet> {
    regions(kind)
        .iter()
        .filter_map(|&(path, name)| {
            let file = SOURCES.iter().find(|f| f.path == path)?;
            extract(file.path, file.text, name)
        })
        .collect()
}

#[cfg(test)]
mod tests;
