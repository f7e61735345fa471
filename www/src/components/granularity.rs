//! The granularity knob: where cooperative tasks yield and where the global lock may change
//! hands (with its switch interval), and what that setting does, in words.

use interleave::config::Config;
use interleave::technique::{Grain, DEFAULT_ROWS};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::controls::with_param;

/// Props of [`Granularity`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The current configuration.
    pub config: Config,
    /// A run is in progress (the form is locked).
    pub busy: bool,
    /// A new configuration.
    pub on_change: Callback<Config>,
}

/// What the setting does, for both techniques it touches.
fn note(c: &Config) -> String {
    let interval = c.switch_interval_ms;
    match c.grain {
        Grain::Stage => "Cooperative tasks yield to the event loop before each stage; the global \
            lock changes hands only between stages (a thread keeps it for a whole stage). Choose \
            a finer grain to see more switches, their cost and shorter frame gaps."
            .to_string(),
        grain => {
            let step = match grain {
                Grain::Rows(k) => format!("{k} row{}", if k == 1 { "" } else { "s" }),
                _ => "band (64 KiB of thumbnail rows)".to_string(),
            };
            format!(
                "Cooperative tasks also yield every {step} of resize and encode (decode runs \
                 whole); each yield that lets another task run is a switch under the card. \
                 Under the global lock, a thread that has held it for {interval} ms hands it to \
                 a waiting thread at the next {step}, as CPython does every \
                 sys.getswitchinterval() (5 ms): a thread back from I/O waits less for it."
            )
        }
    }
}

/// A fieldset of the form.
#[function_component]
pub fn Granularity(props: &Props) -> Html {
    let c = &props.config;
    let emit = |param: &'static str| {
        let (config, on_change) = (c.clone(), props.on_change.clone());
        move |value: String| on_change.emit(with_param(&config, param, &value))
    };
    // The K last shown, so that going back to rows from another grain keeps it (the link
    // holds K only with yield=rows).
    let last_rows = use_mut_ref(|| DEFAULT_ROWS);
    if let Grain::Rows(k) = c.grain {
        *last_rows.borrow_mut() = k;
    }
    let on_yield = {
        let (config, on_change) = (c.clone(), props.on_change.clone());
        let last_rows = last_rows.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = with_param(&config, "yield", &value);
            if let Grain::Rows(_) = next.grain {
                next.grain = Grain::Rows(*last_rows.borrow());
            }
            on_change.emit(next);
        })
    };
    let number = |param: &'static str, shown: String| {
        let set = emit(param);
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let value = input.value();
            // The field shows what is used (a clamped value) even when the state is unchanged.
            input.set_value(&shown);
            set(value);
        })
    };
    let rows = *last_rows.borrow();
    let options = [
        ("stage", "between stages"),
        ("band", "every band (64 KiB)"),
        ("rows", "every K rows"),
    ];
    html! {
        <fieldset class="granularity" disabled={props.busy}>
            <legend>{ "Granularity (cooperative tasks, global lock)" }</legend>
            <label title="Where cooperative tasks yield to the event loop, and where a thread may hand the global lock to a waiting one">
                { "Yield" }
                <select data-testid="input-yield" name="yield" onchange={on_yield}>
                    { for options.iter().map(|(id, label)| html! {
                        <option value={*id} selected={c.grain.id() == *id}>{ *label }</option>
                    }) }
                </select>
            </label>
            <label title="With “every K rows”: thumbnail rows of resize and encode between two yields (1–4096)">
                { "K rows" }
                <input type="number" min="1" max="4096" name="rows" data-testid="input-rows"
                    value={rows.to_string()} disabled={!matches!(c.grain, Grain::Rows(_))}
                    onchange={number("rows", rows.to_string())} />
            </label>
            <label title="The global lock's switch interval (CPython's sys.setswitchinterval, 5 ms by default): how long a thread keeps the lock before it hands it to a waiting thread, at a grain inside stages">
                { "Switch interval (ms)" }
                <input type="number" min="0" max="1000" name="interval" data-testid="input-interval"
                    value={c.switch_interval_ms.to_string()} disabled={!c.grain.within_stages()}
                    onchange={number("interval", c.switch_interval_ms.to_string())} />
            </label>
            <p class="muted granularity-note" data-testid="granularity-note">{ note(c) }</p>
        </fieldset>
    }
}
