//! The configuration form: presets, workload, simulated network, own images, Run.

use interleave::budget::DEFAULT_BUDGET_PX;
use interleave::config::{Config, Preset};
use interleave::images::SampleSet;
use interleave::pipeline::{Effort, Kernel, MAX_IMAGE_PIXELS, MAX_SIDE};
use interleave::technique::TechniqueKind;
use web_sys::{FileList, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::granularity::Granularity;
use crate::state::{Capabilities, OwnFile};

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The current configuration.
    pub config: Config,
    /// What the browser offers.
    pub caps: Capabilities,
    /// A run is in progress.
    pub busy: bool,
    /// The user's own images, if any.
    pub own: Vec<OwnFile>,
    /// A new configuration.
    pub on_change: Callback<Config>,
    /// Start a run.
    pub on_run: Callback<()>,
    /// Stop the run in progress.
    pub on_cancel: Callback<()>,
    /// Images the user picked or dropped, and the names of files refused as not images.
    pub on_files: Callback<(Vec<OwnFile>, Vec<String>)>,
    /// Files refused at the last pick or drop.
    pub refused: Vec<String>,
    /// Back to the sample images.
    pub on_clear_files: Callback<()>,
}

/// Edits go through the URL parser, so the form and links are corrected by the same rules.
pub(crate) fn with_param(config: &Config, param: &str, value: &str) -> Config {
    let mut q = form_urlencoded::Serializer::new(config.to_query());
    q.append_pair(param, value);
    Config::from_query(&q.finish()).0
}

/// A number field's value in `config`, as the form shows it (`threads`: empty for one per core).
fn field(config: &Config, param: &str) -> String {
    let n = &config.network;
    match param {
        "threads" => config.threads.map(|t| t.to_string()).unwrap_or_default(),
        "images" => config.images.to_string(),
        "thumb" => config.thumb.to_string(),
        "latency" => n.latency_ms.to_string(),
        "jitter" => n.jitter_ms.to_string(),
        "bandwidth" => n.bandwidth_mbps.to_string(),
        "connections" => n.connections.to_string(),
        "seed" => config.seed.to_string(),
        _ => String::new(),
    }
}

/// Kinds of image the engine reads.
const ACCEPT: &str = "image/jpeg,image/png,image/gif,image/webp";

/// Whether a file says it is an image we read, by its type or, when the browser gives none,
/// its name. Its bytes decide later: a page named `.jpg` fails alone, with a clear error.
fn looks_like_image(file: &web_sys::File) -> bool {
    let kind = file.type_();
    let name = file.name().to_ascii_lowercase();
    let by_name = [".jpg", ".jpeg", ".png", ".gif", ".webp"]
        .iter()
        .any(|ext| name.ends_with(ext));
    ACCEPT.split(',').any(|k| k == kind) || by_name
}

/// Object URLs of the image files in `list` (the files themselves never leave the browser),
/// and the names of the files refused as not images.
fn own_files(list: Option<FileList>) -> (Vec<OwnFile>, Vec<String>) {
    let Some(list) = list else {
        return Default::default();
    };
    // Trace files are left to the page, which opens them as recordings.
    let (images, others): (Vec<_>, Vec<_>) = (0..list.length())
        .filter_map(|i| list.get(i))
        .filter(|f| !crate::runtime::replay::is_trace_file(f))
        .partition(looks_like_image);
    let images = images
        .into_iter()
        .map(|f| OwnFile {
            name: f.name(),
            bytes: f.size(),
            file: f,
        })
        .collect();
    (images, others.into_iter().map(|f| f.name()).collect())
}

/// The form.
#[function_component]
pub fn Controls(props: &Props) -> Html {
    let c = &props.config;
    let edit = |param: &'static str| {
        let config = c.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |value: String| on_change.emit(with_param(&config, param, &value)))
    };
    let number = |param: &'static str,
                  label: &'static str,
                  value: String,
                  placeholder: String,
                  title: &'static str| {
        let (config, on_change) = (c.clone(), props.on_change.clone());
        let onchange = Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let value = input.value();
            let value = if value.trim().is_empty() && param == "threads" {
                "auto".into()
            } else {
                value
            };
            let fixed = with_param(&config, param, &value);
            // The field shows what is used (a clamped value), even when that equals the last
            // one, which a re-render would leave as typed.
            input.set_value(&field(&fixed, param));
            on_change.emit(fixed);
        });
        html! {
            <label title={title}>
                { label }
                <input type="number" min="0" name={param} data-testid={format!("input-{param}")}
                    value={value} placeholder={placeholder} onchange={onchange} />
            </label>
        }
    };
    let toggles = TechniqueKind::ALL.iter().map(|&kind| {
        let edit = edit("techniques");
        let chosen = c.techniques.clone();
        let checked = chosen.contains(&kind);
        // At least one technique stays chosen.
        let last = checked && chosen.len() == 1;
        let onchange = Callback::from(move |_: Event| {
            let mut chosen = chosen.clone();
            if checked {
                chosen.retain(|k| *k != kind);
            } else {
                chosen.push(kind);
            }
            edit.emit(chosen.iter().map(|k| k.id()).collect::<Vec<_>>().join(","));
        });
        html! {
            <label class="toggle">
                <input type="checkbox" data-testid={format!("toggle-{}", kind.id())} checked={checked} disabled={last} onchange={onchange} />
                { kind.label() }
            </label>
        }
    });
    let current = Preset::matching(c);
    let presets = Preset::ALL.iter().map(|&p| {
        let (config, on_change) = (c.clone(), props.on_change.clone());
        html! {
            <button class={classes!("preset", (current == Some(p)).then_some("active"))}
                data-testid={format!("preset-{}", p.id())} aria-pressed={(current == Some(p)).to_string()} title={p.describe()}
                onclick={Callback::from(move |_: MouseEvent| on_change.emit(p.apply(&config)))}>
                { p.label() }
            </button>
        }
    });
    let select = |param: &'static str| {
        let edit = edit(param);
        Callback::from(move |e: Event| {
            edit.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_pick = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_files.emit(own_files(input.files()));
            input.set_value("");
        })
    };
    let on_drop = {
        let on_files = props.on_files.clone();
        let busy = props.busy;
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            // The batch of a run in progress does not change.
            if !busy {
                let (files, refused) = own_files(e.data_transfer().and_then(|d| d.files()));
                if !files.is_empty() || !refused.is_empty() {
                    on_files.emit((files, refused));
                }
            }
        })
    };
    let n = &c.network;
    let own = !props.own.is_empty();
    let run = props.on_run.reform(|_: MouseEvent| ());
    html! {
        <section class="controls" aria-label="Configuration">
            <fieldset class="presets" disabled={props.busy}>
                <legend>{ "Presets" }</legend>
                { for presets }
                <p class="muted preset-note" data-testid="preset-description">
                    { match current {
                        Some(p) => format!("{}: {}.", p.label(), p.describe()),
                        None => "Custom settings.".to_string(),
                    } }
                </p>
            </fieldset>
            <fieldset disabled={props.busy}>
                <legend>{ "Techniques" }</legend>
                { for toggles }
            </fieldset>
            <fieldset disabled={props.busy}>
                <legend>{ "Workload" }</legend>
                <label>
                    { "Images" }
                    <select data-testid="input-set" onchange={select("set")} disabled={own}>
                        { for SampleSet::ALL.iter().map(|s| html! {
                            <option value={s.id()} selected={c.set == *s}>{ format!("{}: {}", s.id(), s.describe()) }</option>
                        }) }
                    </select>
                </label>
                { number("images", "How many", c.images.to_string(), String::new(), "Images in the batch (the set repeats past 16)") }
                { number("thumb", "Thumbnail (px)", c.thumb.to_string(), String::new(), "Longer side of each thumbnail") }
                <label title="How hard the PNG encoder squeezes each thumbnail: more effort, more CPU">
                    { "PNG effort" }
                    <select data-testid="input-effort" onchange={select("effort")}>
                        { for Effort::ALL.iter().map(|e| html! {
                            <option value={e.id()} selected={c.effort == *e}>{ e.id() }</option>
                        }) }
                    </select>
                </label>
                { number("repeats", "Timed runs", c.repeats.to_string(), String::new(),
                    "Runs of each technique after the warm-up (1–9): the cards show the median, lowest and highest") }
                <label title="Which code resizes: the same Lanczos3 filter, with SIMD or in plain floating point. A better algorithm can beat a second core.">
                    { "Resize kernel" }
                    <select data-testid="input-kernel" onchange={select("kernel")}>
                        { for Kernel::ALL.iter().map(|k| html! {
                            <option value={k.id()} selected={c.kernel == *k} title={k.describe()}>{ k.id() }</option>
                        }) }
                    </select>
                </label>
                { number("threads", "Threads / processes", c.threads.map(|n| n.to_string()).unwrap_or_default(),
                    format!("auto ({})", props.caps.cores), "N for threads, the global lock and processes; empty = one per core") }
            </fieldset>
            <Granularity config={c.clone()} busy={props.busy} on_change={props.on_change.clone()} />
            <fieldset disabled={props.busy}>
                <legend>{ "Network (simulated on top of real fetches)" }</legend>
                { number("latency", "Latency (ms)", n.latency_ms.to_string(), String::new(), "Time to first byte of each request") }
                { number("jitter", "Jitter (ms)", n.jitter_ms.to_string(), String::new(), "Random extra latency, 0 to this") }
                { number("bandwidth", "Bandwidth (Mbit/s)", n.bandwidth_mbps.to_string(), String::new(), "Per connection; 0 = unlimited") }
                { number("connections", "Connections", n.connections.to_string(), String::new(), "Requests in flight at once (HTTP/1.1 browsers: 6 per host)") }
                { number("seed", "Seed", c.seed.to_string(), String::new(), "Seed of the jitter: same seed, same delays") }
            </fieldset>
            <fieldset class="own" disabled={props.busy} ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}
                data-testid="dropzone">
                <legend>{ "Your images" }</legend>
                <label class="pick">
                    { "Drop JPEG, PNG, GIF or WebP files here, or pick them:" }
                    <input type="file" multiple=true accept={ACCEPT} data-testid="file-input" onchange={on_pick} disabled={props.busy} />
                </label>
                <p class="muted limits" data-testid="limits">
                    { format!("Limits that keep memory bounded: {} megapixels and {} px a side per image (checked \
                        before decoding); {} megapixels decoded at once per run (tasks past it wait).",
                        MAX_IMAGE_PIXELS / 1_000_000, MAX_SIDE, DEFAULT_BUDGET_PX / 1_000_000) }
                </p>
                if !props.refused.is_empty() {
                    <p class="error" data-testid="refused-files" role="alert">
                        { format!("Not images, so not added: {}.", props.refused.join(", ")) }
                    </p>
                }
                if own {
                    <p data-testid="own-files">
                        { format!("Using your {} image(s), {:.1} MB; they never leave this browser (and are not part of the link). ",
                            props.own.len(), props.own.iter().map(|f| f.bytes).sum::<f64>() / 1e6) }
                        <button class="small" onclick={props.on_clear_files.reform(|_: MouseEvent| ())}>{ "Use the sample images" }</button>
                    </p>
                }
            </fieldset>
            <div class="actions">
            <button class="run" data-testid="run-button" disabled={props.busy} onclick={run}>
                { if props.busy { "Running…" } else { "Run" } }
            </button>
            if props.busy {
                <button class="cancel" data-testid="cancel-button" title="Stop every lane: within a few ms in workers, at the next stage on the main thread (Esc)"
                    onclick={props.on_cancel.reform(|_: MouseEvent| ())}>
                    { "Cancel" }
                </button>
            }
            </div>
        </section>
    }
}
