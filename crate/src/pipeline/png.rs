//! PNG: a chunk walk before decoding, so that a cut or damaged file gets a precise message
//! (the decoder reports both in its own words, mixed with others).

use super::error::{Format, PipelineError};

const SIGNATURE: usize = 8;

/// Checks that every chunk is whole and matches its CRC, up to IEND.
pub(crate) fn check_complete(bytes: &[u8]) -> Result<(), PipelineError> {
    let truncated = |what: &str| PipelineError::Truncated {
        format: Format::Png,
        detail: format!("the file ends inside {what}"),
    };
    let mut i = SIGNATURE;
    loop {
        let head = bytes
            .get(i..i + 8)
            .ok_or_else(|| truncated("a chunk header (no IEND)"))?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind = String::from_utf8_lossy(&head[4..8]).into_owned();
        // The format caps a chunk at 2³¹ − 1 bytes.
        if len > i32::MAX as u32 {
            return Err(PipelineError::Corrupt {
                format: Format::Png,
                detail: format!("{kind} chunk of {len} bytes"),
            });
        }
        let end = i + 8 + len as usize;
        let body = bytes
            .get(i + 4..end)
            .ok_or_else(|| truncated(&format!("the {kind} chunk")))?;
        let stored = bytes
            .get(end..end + 4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .ok_or_else(|| truncated(&format!("the checksum of the {kind} chunk")))?;
        if crc32fast::hash(body) != stored {
            return Err(PipelineError::Checksum {
                format: Format::Png,
                detail: format!("bad CRC in the {kind} chunk"),
            });
        }
        if kind == "IEND" {
            return Ok(());
        }
        i = end + 4;
    }
}
