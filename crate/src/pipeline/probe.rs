//! What a file is and how big its image is, from its first bytes only: no pixel is decoded, so
//! hostile sizes are refused before anything is allocated for them.

use serde::{Deserialize, Serialize};

use super::error::{Format, Looks, PipelineError};
use super::{jpeg, MAX_IMAGE_PIXELS, MAX_SIDE};

/// A file's format and image size, as its headers state them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    /// The format, sniffed from the bytes (never from the file name).
    pub format: Format,
    /// Width in pixels as stored (before any EXIF rotation).
    pub width: u32,
    /// Height in pixels as stored.
    pub height: u32,
}

impl ImageInfo {
    /// Width × height.
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Whether one image of this size may be decoded: at most [`MAX_IMAGE_PIXELS`] pixels and
    /// [`MAX_SIDE`] a side.
    pub fn check_limits(&self) -> Result<(), PipelineError> {
        let (width, height) = (self.width, self.height);
        if self.pixels() > MAX_IMAGE_PIXELS {
            Err(PipelineError::TooManyPixels { width, height })
        } else if width > MAX_SIDE || height > MAX_SIDE {
            Err(PipelineError::SideTooLong { width, height })
        } else {
            Ok(())
        }
    }
}

/// Reads a file's format and image size from its headers. Fails for files that are not
/// images we read, or whose headers are cut short or invalid; does not apply the size limits
/// (see [`ImageInfo::check_limits`]).
pub fn probe(bytes: &[u8]) -> Result<ImageInfo, PipelineError> {
    let format = sniff(bytes)?;
    let (width, height) = match format {
        Format::Jpeg => jpeg::frame_size(bytes)?,
        Format::Png => png_size(bytes)?,
        Format::Gif => gif_size(bytes)?,
        Format::Webp => webp_size(bytes)?,
    };
    if width == 0 || height == 0 {
        return Err(PipelineError::Corrupt {
            format,
            detail: format!("the header says {width}×{height}"),
        });
    }
    Ok(ImageInfo {
        format,
        width,
        height,
    })
}

/// The format, from magic numbers; otherwise why it is not an image we read.
fn sniff(bytes: &[u8]) -> Result<Format, PipelineError> {
    if bytes.is_empty() {
        return Err(PipelineError::Empty);
    }
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(Format::Gif);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(Format::Webp);
    }
    // A JPEG or PNG cut inside its signature is still recognisably one.
    for (magic, format) in [
        (&b"\x89PNG\r\n\x1a\n"[..], Format::Png),
        (&[0xFF, 0xD8, 0xFF][..], Format::Jpeg),
    ] {
        if bytes.len() < magic.len() && magic.starts_with(bytes) && bytes.len() >= 2 {
            return Err(PipelineError::Truncated {
                format,
                detail: format!("{} bytes", bytes.len()),
            });
        }
    }
    if let Some(looks) = text_kind(bytes) {
        return Err(match looks {
            TextKind::Svg => PipelineError::Unsupported("SVG"),
            TextKind::Html => PipelineError::NotAnImage(Looks::Html),
            TextKind::Plain => PipelineError::NotAnImage(Looks::Text),
        });
    }
    let ftyp = bytes.get(4..8) == Some(b"ftyp");
    let brand = bytes.get(8..12).unwrap_or_default();
    let other = if starts(b"BM") {
        Some("BMP")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some("TIFF")
    } else if ftyp && (brand == b"avif" || brand == b"avis") {
        Some("AVIF")
    } else if ftyp && [&b"heic"[..], b"heix", b"mif1", b"msf1", b"hevc"].contains(&brand) {
        Some("HEIC")
    } else if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0cJXL \r\n\x87\n") {
        Some("JPEG XL")
    } else if starts(b"8BPS") {
        Some("Photoshop")
    } else if starts(&[0, 0, 1, 0]) {
        Some("ICO")
    } else if starts(b"%PDF") {
        Some("PDF")
    } else {
        None
    };
    Err(match other {
        Some(name) => PipelineError::Unsupported(name),
        None => PipelineError::NotAnImage(Looks::Unknown),
    })
}

enum TextKind {
    Plain,
    Html,
    Svg,
}

/// Whether the start of the file is text, and what kind: a web page saved as `.jpg` is the
/// commonest non-image people drop.
fn text_kind(bytes: &[u8]) -> Option<TextKind> {
    let head = &bytes[..bytes.len().min(1024)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    // A multi-byte character may be cut at the end of the window: judge the valid part.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if head.len() - e.valid_up_to() < 4 && e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    if text.is_empty() || text.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return None;
    }
    let lower = text.to_lowercase();
    Some(if lower.contains("<svg") {
        TextKind::Svg
    } else if [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<script",
        "<div",
        "<meta",
    ]
    .iter()
    .any(|tag| lower.contains(tag))
    {
        TextKind::Html
    } else {
        TextKind::Plain
    })
}

fn truncated(format: Format, what: &str) -> PipelineError {
    PipelineError::Truncated {
        format,
        detail: format!("the file ends inside the {what}"),
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn le16(b: &[u8]) -> u32 {
    u32::from(u16::from_le_bytes([b[0], b[1]]))
}

/// IHDR is always the first chunk.
fn png_size(bytes: &[u8]) -> Result<(u32, u32), PipelineError> {
    let ihdr = bytes
        .get(8..33)
        .ok_or_else(|| truncated(Format::Png, "header"))?;
    if &ihdr[4..8] != b"IHDR" || be32(ihdr) != 13 {
        return Err(PipelineError::Corrupt {
            format: Format::Png,
            detail: "the first chunk is not a 13-byte IHDR".into(),
        });
    }
    Ok((be32(&ihdr[8..]), be32(&ihdr[12..])))
}

/// The logical screen; frames are checked against the decoder's memory limit.
fn gif_size(bytes: &[u8]) -> Result<(u32, u32), PipelineError> {
    let screen = bytes
        .get(6..10)
        .ok_or_else(|| truncated(Format::Gif, "header"))?;
    Ok((le16(screen), le16(&screen[2..])))
}

/// The canvas of an extended file, else the size in the one VP8 or VP8L frame header.
fn webp_size(bytes: &[u8]) -> Result<(u32, u32), PipelineError> {
    let corrupt = |detail: &str| PipelineError::Corrupt {
        format: Format::Webp,
        detail: detail.into(),
    };
    let head = bytes
        .get(12..30)
        .ok_or_else(|| truncated(Format::Webp, "header"))?;
    let le24 = |b: &[u8]| u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    match &head[..4] {
        b"VP8X" => Ok((le24(&head[12..]) + 1, le24(&head[15..]) + 1)),
        b"VP8L" => {
            if head[8] != 0x2F {
                return Err(corrupt("bad VP8L signature"));
            }
            let bits = u32::from_le_bytes([head[9], head[10], head[11], head[12]]);
            Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8 " => {
            if head[11..14] != [0x9D, 0x01, 0x2A] {
                return Err(corrupt("bad VP8 start code"));
            }
            Ok((le16(&head[14..]) & 0x3FFF, le16(&head[16..]) & 0x3FFF))
        }
        _ => Err(corrupt("unknown first chunk")),
    }
}
