//! Object URLs shared by the values that show them.

use std::rc::Rc;

use gloo_file::ObjectUrl;

/// An object URL, revoked when its last copy is dropped (gloo-file's `ObjectUrl` underneath).
#[derive(Clone)]
pub struct SharedUrl(Rc<ObjectUrl>);

impl SharedUrl {
    /// Shares `url`.
    pub fn new(url: ObjectUrl) -> SharedUrl {
        SharedUrl(Rc::new(url))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SharedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for SharedUrl {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
