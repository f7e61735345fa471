//! Why threads are unavailable here: said once, at the top, calmly — it is a fact of where the
//! page is served or embedded, not an error. The threads cards then only say "unavailable".

use yew::prelude::*;

/// Props of [`IsolationNotice`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Why threads cannot run here and how to fix it; `None` when they can (nothing is shown).
    pub reason: Option<String>,
}

/// The notice.
#[function_component]
pub fn IsolationNotice(props: &Props) -> Html {
    let Some(reason) = &props.reason else {
        return Html::default();
    };
    html! {
        <aside class="isolation" data-testid="isolation-notice" role="note">
            <strong>{ "Threads are unavailable here; every other technique runs." }</strong>{ " " }
            { reason }
        </aside>
    }
}
