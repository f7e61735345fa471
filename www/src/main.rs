//! Mounts the Interleave page.

fn main() {
    yew::Renderer::<interleave_www::App>::new().render();
}
