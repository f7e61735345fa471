//! `cargo xtask corpus`: writes the generated corpus of unusual and hostile files
//! (`interleave::corpus`) to `target/corpus/`, with the `manifest.json` the end-to-end test
//! reads.

use std::fs;

use interleave::corpus;

use crate::util::{root, Result};

/// Writes every case and the manifest.
pub fn write() -> Result {
    let dir = root().join("target/corpus");
    // Start clean: a file left from an older corpus would be picked up by the test.
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::create_dir_all(&dir)?;
    let cases = corpus::cases()?;
    for case in &cases {
        fs::write(dir.join(case.name), &case.bytes)?;
    }
    fs::write(dir.join("manifest.json"), corpus::manifest_json(&cases))?;
    println!(
        "wrote {} files and manifest.json to {}",
        cases.len(),
        dir.display()
    );
    // What the native pipeline makes of each: the page must show the same.
    let mut wrong = 0;
    for case in &cases {
        match corpus::check(case) {
            Ok(outcome) => println!("  {:<24} {outcome}", case.name),
            Err(e) => {
                wrong += 1;
                println!("  WRONG {e}");
            }
        }
    }
    if wrong > 0 {
        return Err(format!("{wrong} corpus files did not meet their expectation").into());
    }
    Ok(())
}
