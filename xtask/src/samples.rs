//! Makes the sample library (`interleave::images::SampleSet`) into `www/samples/`, which Trunk
//! copies into the page. Files are deterministic; a stamp records the generator's version so
//! that a repeat build skips the work.

use std::fs;

use interleave::images::{SampleSet, LIBRARY_VERSION};

use crate::util::{root, Result};

/// Makes the library unless it is there at the current version.
pub fn ensure() -> Result {
    let dir = root().join("www/samples");
    let stamp = dir.join("VERSION");
    if fs::read_to_string(&stamp).is_ok_and(|v| v.trim() == LIBRARY_VERSION) {
        return Ok(());
    }
    eprintln!("making the sample library in {}", dir.display());
    let files: Vec<_> = SampleSet::ALL.iter().flat_map(|s| s.files()).collect();
    // Two halves on two threads: the machine has two cores.
    let (a, b) = files.split_at(files.len() / 2);
    std::thread::scope(|scope| -> Result {
        let write = |part: &[interleave::images::SampleFile]| -> std::io::Result<()> {
            for f in part {
                let path = dir.join(&f.path);
                fs::create_dir_all(path.parent().unwrap_or(&dir))?;
                fs::write(path, f.encode())?;
            }
            Ok(())
        };
        let other = scope.spawn(move || write(b));
        write(a)?;
        other.join().map_err(|_| "sample writer panicked")??;
        Ok(())
    })?;
    fs::write(stamp, LIBRARY_VERSION)?;
    Ok(())
}
