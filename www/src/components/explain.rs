//! A technique explained: a description with the run's figures, and the code that runs it,
//! highlighted, as compiled into the engine.

use std::rc::Rc;

use interleave::explain::{describe, snippets, tokenize_lines, Class, Figures, Snippet};
use interleave::technique::TechniqueKind;
use yew::prelude::*;

use crate::state::Finished;

/// Props of [`Explain`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which technique.
    pub kind: TechniqueKind,
    /// Its run, finished or cancelled part-way, if any.
    pub run: Option<Rc<Finished>>,
    /// Its speedup against sequential, where meaningful.
    pub speedup: Option<f64>,
    /// Sequential's finished run, if any.
    pub baseline: Option<Rc<Finished>>,
    /// Threads (and processes) of the parallel techniques.
    pub threads: u32,
    /// The run's connection limit.
    pub connections: u32,
}

/// The panel.
#[function_component]
pub fn Explain(props: &Props) -> Html {
    let id = props.kind.id();
    // The ideal schedule behind the figures is replayed once per run, not per render.
    let paragraphs = use_memo(
        (
            props.kind,
            props.run.clone(),
            props.speedup,
            props.baseline.clone(),
            props.threads,
            props.connections,
        ),
        |(kind, run, speedup, baseline, threads, connections)| {
            let figures = run.as_ref().map(|f| Figures {
                trace: &f.trace,
                speedup: *speedup,
                connections: *connections,
                baseline: baseline.as_ref().map(|b| &b.trace),
            });
            describe(*kind, *threads, figures.as_ref())
        },
    );
    let code = use_memo(props.kind, |kind| snippets(*kind));
    html! {
        <section class="explain" id={format!("explain-{id}")} data-testid={format!("explain-{id}")}>
            <div class="explain-text" data-testid={format!("describe-{id}")}>
                { for paragraphs.iter().map(|p| html! {
                    <p><strong>{ p.topic }{ ". " }</strong>{ p.text.clone() }</p>
                }) }
                <p class="muted">
                    { "Live demo: the timeline of this card. Marked lines in the code decide how the technique behaves." }
                </p>
            </div>
            <div class="code" data-testid={format!("code-{id}")}>
                { for code.iter().map(view_snippet) }
            </div>
        </section>
    }
}

/// One snippet of code, highlighted, its deciding lines marked.
pub fn view_snippet(snippet: &Snippet) -> Html {
    let text = snippet.text();
    let lines = tokenize_lines(&text);
    html! {
        <figure>
            <figcaption>{ format!("{} (from line {})", snippet.path, snippet.first_line) }</figcaption>
            <pre><code data-path={snippet.path}>
                { for lines.iter().zip(&snippet.lines).map(|(tokens, line)| html! {
                    <span class={classes!("line", line.key.then_some("key"))}>
                        { for tokens.iter().map(|t| match t.class {
                            // Text nodes only: the source is never parsed as markup.
                            Class::Plain => html! { { t.text } },
                            class => html! { <span class={class.css()}>{ t.text }</span> },
                        }) }
                    </span>
                }) }
            </code></pre>
        </figure>
    }
}
