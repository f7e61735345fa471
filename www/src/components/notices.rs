//! Corrections made to the URL's parameters.

use interleave::config::Notice;
use yew::prelude::*;

/// Props of [`Notices`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The corrections.
    pub notices: Vec<Notice>,
    /// Hides them.
    pub on_dismiss: Callback<()>,
}

/// Lists what was wrong with the link and what is used instead.
#[function_component]
pub fn Notices(props: &Props) -> Html {
    if props.notices.is_empty() {
        return html! {};
    }
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <aside class="notices" data-testid="notice" role="status">
            <strong>{ "The link had settings that were corrected:" }</strong>
            <ul>
                { for props.notices.iter().map(|n| html! {
                    <li><code>{ &n.param }</code>{ ": " }{ &n.message }</li>
                }) }
            </ul>
            <button onclick={dismiss}>{ "Dismiss" }</button>
        </aside>
    }
}
