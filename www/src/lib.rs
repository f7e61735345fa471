//! The Interleave page: a Yew app on the main thread. `state` is the model, `components` the
//! views (they only read state and dispatch actions), `runtime` owns workers and runs techniques.

pub mod components;
pub mod repeats;
pub mod runtime;
pub mod state;

pub use components::app::App;
