//! The wasm memory a technique's run used: each instance's peak, together, and how much the run
//! made them grow.

use interleave::measure::MemoryUse;
use interleave::technique::TechniqueKind;
use yew::prelude::*;

/// Props of [`Memory`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Which technique.
    pub kind: TechniqueKind,
    /// What it used.
    pub memory: MemoryUse,
}

fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / (1024.0 * 1024.0))
}

/// The line.
#[function_component]
pub fn Memory(props: &Props) -> Html {
    let m = &props.memory;
    let n = m.instances.len();
    let whose = match (n, m.instances.first()) {
        (1, Some((name, _))) if m.shared_by > 1 => {
            format!(
                "the {name}'s, one memory shared by its {} threads",
                m.shared_by
            )
        }
        (1, Some((name, _))) => format!("the {name}'s"),
        _ => {
            let each: Vec<String> = m
                .instances
                .iter()
                .map(|(name, s)| format!("{name} {}", mb(s.peak)))
                .collect();
            format!("{n} instances, one memory each: {}", each.join(", "))
        }
    };
    html! {
        <p class="memory" data-testid={format!("memory-{}", props.kind.id())} data-bytes={format!("{:.0}", m.peak())}
            data-end-bytes={format!("{:.0}", m.end())} data-instances={n.to_string()}
            data-largest-bytes={format!("{:.0}", m.largest())}
            title="WebAssembly memory of each instance the run used, sampled when it began, after every task and at its end. A wasm memory never shrinks: what a run grew stays reserved until its worker ends">
            <span class="muted">{ "Wasm memory: " }</span>
            <strong>{ format!("{} peak", mb(m.peak())) }</strong>
            { format!(" ({} at the end, +{} during the run) · {whose}", mb(m.end()), mb(m.growth())) }
        </p>
    }
}
