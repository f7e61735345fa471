//! The configuration form and the Run button.

use interleave::config::Config;
use interleave::technique::TechniqueKind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::Capabilities;

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The current configuration.
    pub config: Config,
    /// What the browser offers.
    pub caps: Capabilities,
    /// A run is in progress.
    pub busy: bool,
    /// A new configuration.
    pub on_change: Callback<Config>,
    /// Start a run.
    pub on_run: Callback<()>,
}

/// Edits go through the URL parser, so the form and links are corrected by the same rules.
fn with_param(config: &Config, param: &str, value: &str) -> Config {
    let mut q = form_urlencoded::Serializer::new(config.to_query());
    q.append_pair(param, value);
    Config::from_query(&q.finish()).0
}

/// The form.
#[function_component]
pub fn Controls(props: &Props) -> Html {
    let number = |param: &'static str,
                  label: &'static str,
                  value: String,
                  placeholder: String,
                  title: &'static str| {
        let config = props.config.clone();
        let on_change = props.on_change.clone();
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let value = input.value();
            let value = if value.trim().is_empty() && param == "threads" {
                "auto".into()
            } else {
                value
            };
            on_change.emit(with_param(&config, param, &value));
        });
        html! {
            <label title={title}>
                { label }
                <input type="number" name={param} data-testid={format!("input-{param}")}
                    value={value} placeholder={placeholder} onchange={onchange} />
            </label>
        }
    };
    let c = &props.config;
    let toggles = TechniqueKind::ALL.iter().map(|&kind| {
        let config = c.clone();
        let on_change = props.on_change.clone();
        let checked = c.techniques.contains(&kind);
        let onchange = Callback::from(move |_: Event| {
            let mut chosen = config.techniques.clone();
            if checked {
                chosen.retain(|k| *k != kind);
            } else {
                chosen.push(kind);
            }
            let ids: Vec<&str> = chosen.iter().map(|k| k.id()).collect();
            on_change.emit(with_param(&config, "techniques", &ids.join(",")));
        });
        html! {
            <label class="toggle">
                <input type="checkbox" data-testid={format!("toggle-{}", kind.id())}
                    checked={checked} onchange={onchange} />
                { kind.label() }
            </label>
        }
    });
    let run = props.on_run.reform(|_: MouseEvent| ());
    html! {
        <section class="controls" aria-label="Configuration">
            <fieldset>
                <legend>{ "Techniques" }</legend>
                { for toggles }
            </fieldset>
            <fieldset>
                <legend>{ "Workload" }</legend>
                { number("images", "Images", c.images.to_string(), String::new(), "How many images in the batch") }
                { number("size", "Size (px)", c.size.to_string(), String::new(), "Side of each square sample image") }
                { number("thumb", "Thumbnail (px)", c.thumb.to_string(), String::new(), "Longer side of each thumbnail") }
                { number("seed", "Seed", c.seed.to_string(), String::new(), "Same seed, same images") }
                { number("threads", "Threads", c.threads.map(|n| n.to_string()).unwrap_or_default(),
                    format!("auto ({})", props.caps.cores), "Threads for the threads technique; empty = one per core") }
            </fieldset>
            <button class="run" data-testid="run-button" disabled={props.busy} onclick={run}>
                { if props.busy { "Running…" } else { "Run" } }
            </button>
        </section>
    }
}
