//! A small Rust tokenizer for showing code: enough to colour keywords, strings, comments,
//! numbers, macros, types and lifetimes. It never fails and never drops a byte: the tokens'
//! texts, concatenated, are the input (the page renders them as text, never as markup).

/// What a token is, as far as colouring goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Identifiers, punctuation, whitespace.
    Plain,
    /// A keyword (`async`, `let`, `match`…).
    Keyword,
    /// A string, byte string, raw string or character literal.
    Str,
    /// A line or block comment.
    Comment,
    /// A numeric literal.
    Number,
    /// A macro's name (`format` in `format!`).
    Macro,
    /// A name that starts with a capital: a type, trait or variant.
    Type,
    /// A lifetime or label (`'a`).
    Lifetime,
}

impl Class {
    /// The CSS class the page gives it (`""` for plain text).
    pub fn css(self) -> &'static str {
        match self {
            Class::Plain => "",
            Class::Keyword => "tok-kw",
            Class::Str => "tok-str",
            Class::Comment => "tok-com",
            Class::Number => "tok-num",
            Class::Macro => "tok-mac",
            Class::Type => "tok-ty",
            Class::Lifetime => "tok-life",
        }
    }
}

/// A piece of the source and its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// What it is.
    pub class: Class,
    /// Its text, exactly as in the source.
    pub text: &'a str,
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];

/// Splits `src` into tokens; adjacent plain text is merged into one token.
pub fn tokenize(src: &str) -> Vec<Token<'_>> {
    let bytes = src.as_bytes();
    let mut out: Vec<Token<'_>> = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let (class, end) = next(src, i);
        // Always advance, whole characters only: a malformed literal still ends somewhere.
        let end = ceil_char(src, end.max(i + 1));
        let text = &src[i..end];
        match out.last_mut() {
            Some(last) if class == Class::Plain && last.class == Class::Plain => {
                let start = last.text.as_ptr() as usize - src.as_ptr() as usize;
                last.text = &src[start..end];
            }
            _ => out.push(Token { class, text }),
        }
        i = end;
    }
    debug_assert_eq!(out.iter().map(|t| t.text.len()).sum::<usize>(), bytes.len());
    out
}

/// The tokens of `src`, one list per line (newlines dropped; a token that spans lines, such
/// as a block comment, split at them).
pub fn tokenize_lines(src: &str) -> Vec<Vec<Token<'_>>> {
    let mut lines = vec![Vec::new()];
    for token in tokenize(src) {
        let mut parts = token.text.split('\n');
        if let Some(first) = parts.next() {
            push(&mut lines, token.class, first);
        }
        for part in parts {
            lines.push(Vec::new());
            push(&mut lines, token.class, part);
        }
    }
    lines
}

fn push<'a>(lines: &mut [Vec<Token<'a>>], class: Class, text: &'a str) {
    if let (false, Some(line)) = (text.is_empty(), lines.last_mut()) {
        line.push(Token { class, text });
    }
}

/// The class of the token at byte `i` and where it ends.
fn next(src: &str, i: usize) -> (Class, usize) {
    let rest = &src[i..];
    let b = rest.as_bytes();
    let c = rest.chars().next().unwrap_or(' ');
    if rest.starts_with("//") {
        return (Class::Comment, i + rest.find('\n').unwrap_or(rest.len()));
    }
    if rest.starts_with("/*") {
        return (Class::Comment, i + block_comment_len(rest));
    }
    if c == '"' {
        return (Class::Str, i + quoted_len(rest, b'"'));
    }
    if let Some(len) = raw_string_len(rest) {
        return (Class::Str, i + len);
    }
    if c == '\'' {
        return quote(rest, i);
    }
    if c.is_ascii_digit() {
        let mut end = 1;
        while end < b.len()
            && (b[end].is_ascii_alphanumeric()
                || b[end] == b'_'
                || (b[end] == b'.' && b.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        return (Class::Number, i + end);
    }
    if c.is_alphabetic() || c == '_' {
        let end = rest
            .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..end];
        let after = &rest[end..];
        let class = if KEYWORDS.contains(&word) {
            Class::Keyword
        } else if after.starts_with('!') && !after.starts_with("!=") {
            Class::Macro
        } else if word.starts_with(|ch: char| ch.is_uppercase()) {
            Class::Type
        } else {
            Class::Plain
        };
        return (class, i + end);
    }
    (Class::Plain, i + c.len_utf8())
}

/// A character literal (`'x'`, `'\n'`, `'\u{1F600}'`) or a lifetime (`'a`).
fn quote(rest: &str, i: usize) -> (Class, usize) {
    let mut chars = rest.char_indices().skip(1);
    match chars.next() {
        Some((_, '\\')) => (Class::Str, i + quoted_len(rest, b'\'')),
        Some((_, ch)) => match chars.next() {
            Some((at, '\'')) => (Class::Str, i + at + 1),
            _ if ch.is_alphabetic() || ch == '_' => {
                let end = rest[1..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .map_or(rest.len(), |e| e + 1);
                (Class::Lifetime, i + end)
            }
            _ => (Class::Plain, i + 1),
        },
        None => (Class::Plain, i + 1),
    }
}

/// Length of a literal opened by `quote` at the start of `rest`, escapes honoured; to the end
/// of `rest` if it never closes.
fn quoted_len(rest: &str, quote: u8) -> usize {
    let b = rest.as_bytes();
    let mut at = 1;
    while at < b.len() {
        match b[at] {
            b'\\' => at += 2,
            x if x == quote => return at + 1,
            _ => at += 1,
        }
    }
    b.len()
}

/// Length of a raw string (`r"…"`, `r#"…"#`, `br"…"`) at the start of `rest`, if it is one.
fn raw_string_len(rest: &str) -> Option<usize> {
    let after_r = rest.strip_prefix("br").or_else(|| rest.strip_prefix('r'))?;
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    let body = after_r[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let prefix = rest.len() - body.len();
    Some(prefix + body.find(&close).map_or(body.len(), |e| e + close.len()))
}

/// Length of a (possibly nested) block comment at the start of `rest`.
fn block_comment_len(rest: &str) -> usize {
    let mut depth = 0usize;
    let mut at = 0;
    while at < rest.len() {
        if rest[at..].starts_with("/*") {
            depth += 1;
            at += 2;
        } else if rest[at..].starts_with("*/") {
            depth -= 1;
            at += 2;
            if depth == 0 {
                return at;
            }
        } else {
            at += 1;
        }
    }
    rest.len()
}

/// The first character boundary at or after `at` (at most the end).
fn ceil_char(s: &str, mut at: usize) -> usize {
    while at < s.len() && !s.is_char_boundary(at) {
        at += 1;
    }
    at.min(s.len())
}
