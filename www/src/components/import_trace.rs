//! Opening a recording: a trace file picked here, dropped anywhere on the page, or named by
//! `?trace=`; why one could not be opened.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;
use yew::UseReducerDispatcher;

use crate::runtime::replay;
use crate::state::{Action, Loaded, State};

type Dispatch = UseReducerDispatcher<State>;

/// Reads `file` and shows it, or says why it cannot be shown (what was shown stays).
pub fn open_file(file: web_sys::File, dispatch: Dispatch) {
    wasm_bindgen_futures::spawn_local(async move {
        dispatch.dispatch(settle(replay::from_file(file).await));
    });
}

/// Fetches the trace named by `?trace=` and shows it, or says why it cannot be shown.
pub fn open_url(param: String, dispatch: Dispatch) {
    wasm_bindgen_futures::spawn_local(async move {
        dispatch.dispatch(settle(replay::from_url(&param).await));
    });
}

fn settle(loaded: Result<Loaded, String>) -> Action {
    match loaded {
        Ok(loaded) => Action::Replay(Box::new(loaded)),
        Err(why) => Action::ImportFailed(why),
    }
}

const BUSY: &str =
    "A run is in progress: wait for it to finish (or cancel it) before opening a recording.";

/// What a drop anywhere in the window does: a trace file is opened (images are the image box's
/// business; a drop outside it no longer navigates away from the page).
fn on_drop(dispatch: Dispatch, busy: bool) -> Callback<DragEvent> {
    Callback::from(move |e: DragEvent| {
        // The image box handled its own drop (and let trace files through).
        let handled = e.default_prevented();
        e.prevent_default();
        let Some(files) = e.data_transfer().and_then(|d| d.files()) else {
            return;
        };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        match files.iter().find(|f| replay::is_trace_file(f)) {
            Some(_) if busy => dispatch.dispatch(Action::ImportFailed(BUSY.into())),
            Some(trace) => open_file(trace.clone(), dispatch.clone()),
            None if handled => {}
            None => {
                if let Some(first) = files.first() {
                    dispatch.dispatch(Action::ImportFailed(format!(
                        "“{}” is not a trace file (a .json file saved with Export trace). To make \
                         thumbnails of your own images, drop them on the Images box.",
                        first.name()
                    )));
                }
            }
        }
    })
}

/// Props of [`ImportTrace`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// A run is in progress.
    pub busy: bool,
    /// Why the last file could not be opened.
    pub error: Option<String>,
    /// Where opened files go.
    pub dispatch: Dispatch,
}

/// The file picker and the last error.
#[function_component]
pub fn ImportTrace(props: &Props) -> Html {
    let on_pick = {
        let (dispatch, busy) = (props.dispatch.clone(), props.busy);
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                if busy {
                    dispatch.dispatch(Action::ImportFailed(BUSY.into()));
                } else {
                    open_file(file, dispatch.clone());
                }
            }
            // Picking the same file again opens it again.
            input.set_value("");
        })
    };
    {
        // Drops anywhere in the window, margins included (the page's own element is narrower).
        let (dispatch, busy) = (props.dispatch.clone(), props.busy);
        use_effect_with(busy, move |&busy| {
            let handler = on_drop(dispatch, busy);
            let active = EventListenerOptions::enable_prevent_default();
            let listeners = web_sys::window().map(|w| {
                let over = EventListener::new_with_options(&w, "dragover", active, |e| {
                    e.prevent_default()
                });
                let dropped = EventListener::new_with_options(&w, "drop", active, move |e| {
                    if let Some(e) = e.dyn_ref::<DragEvent>() {
                        handler.emit(e.clone());
                    }
                });
                (over, dropped)
            });
            move || drop(listeners)
        });
    }
    html! {
        <section class="import" aria-label="Replay a recording">
            <label class="import-pick" title="A trace exported by this page (Export trace): it opens as recorded, without running anything">
                <span>{ "Replay a recording" }</span>
                <input type="file" accept=".json,application/json" data-testid="import-trace"
                    onchange={on_pick} disabled={props.busy} />
            </label>
            <span class="muted import-hint">{ "or drop an exported trace file anywhere on the page." }</span>
            if let Some(why) = &props.error {
                <p class="error import-error" role="alert" data-testid="import-error">{ why }</p>
            }
        </section>
    }
}
