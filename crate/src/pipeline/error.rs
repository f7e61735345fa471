//! Why one image failed, in words for the person who dropped the file.
//!
//! `Display` is the plain message a gallery tile shows (the page adds the file name). The
//! decoder's own text, useful in a bug report but not to a reader, is kept apart: [`detail`],
//! and the alternate form `{:#}` prints "message (detail)".
//!
//! [`detail`]: PipelineError::detail

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{MAX_IMAGE_PIXELS, MAX_SIDE};

/// An image file format the pipeline reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// JPEG (baseline or progressive; grey, RGB, CMYK or YCCK).
    Jpeg,
    /// PNG (any bit depth, palette, interlaced).
    Png,
    /// GIF (the first frame).
    Gif,
    /// WebP (lossy or lossless; the first frame).
    Webp,
}

impl Format {
    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Gif => "GIF",
            Format::Webp => "WebP",
        }
    }
}

/// What a file that is not an image seems to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Looks {
    /// Readable text.
    Text,
    /// A web page (HTML), e.g. an error page saved under an image's name.
    Html,
    /// Nothing we recognise.
    Unknown,
}

/// Why a stage failed for one image. Other images are not affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineError {
    /// The file has no bytes.
    Empty,
    /// The bytes are not an image in any format we know.
    NotAnImage(Looks),
    /// An image format this page does not read (its name, e.g. "HEIC").
    Unsupported(&'static str),
    /// A variant of a supported format the decoder cannot read (e.g. arithmetic-coded JPEG).
    UnsupportedFeature {
        /// The file's format.
        format: Format,
        /// The decoder's words.
        detail: String,
    },
    /// The file ends before the image does.
    Truncated {
        /// The file's format.
        format: Format,
        /// Where it ends.
        detail: String,
    },
    /// A checksum in the file does not match its data.
    Checksum {
        /// The file's format.
        format: Format,
        /// Which part.
        detail: String,
    },
    /// The data inside the file is invalid.
    Corrupt {
        /// The file's format.
        format: Format,
        /// The decoder's words.
        detail: String,
    },
    /// More pixels than [`MAX_IMAGE_PIXELS`].
    TooManyPixels {
        /// Width the file claims.
        width: u32,
        /// Height the file claims.
        height: u32,
    },
    /// A side longer than [`MAX_SIDE`].
    SideTooLong {
        /// Width the file claims.
        width: u32,
        /// Height the file claims.
        height: u32,
    },
    /// Decoding would allocate more than one image may.
    OutOfMemory(String),
    /// Decoding failed for another reason (the decoder's words).
    Decode(String),
    /// The resize kernel refused the input.
    Resize(String),
    /// The thumbnail could not be encoded.
    Encode(String),
}

impl PipelineError {
    /// The library's own words, if any: for logs and bug reports, not for the headline.
    pub fn detail(&self) -> Option<&str> {
        match self {
            PipelineError::UnsupportedFeature { detail, .. }
            | PipelineError::Truncated { detail, .. }
            | PipelineError::Checksum { detail, .. }
            | PipelineError::Corrupt { detail, .. }
            | PipelineError::OutOfMemory(detail)
            | PipelineError::Decode(detail)
            | PipelineError::Resize(detail)
            | PipelineError::Encode(detail) => Some(detail.as_str()).filter(|d| !d.is_empty()),
            _ => None,
        }
    }

    /// An error from the `image` crate, decoding `format`, in plain words.
    pub(crate) fn from_image(format: Format, e: image::ImageError) -> Self {
        use image::error::ImageError as E;
        match e {
            E::Limits(e) => PipelineError::OutOfMemory(e.to_string()),
            E::Unsupported(e) => PipelineError::UnsupportedFeature {
                format,
                detail: e.to_string(),
            },
            E::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                PipelineError::Truncated {
                    format,
                    detail: e.to_string(),
                }
            }
            e => Self::from_text(format, e.to_string()),
        }
    }

    /// An error from `jpeg-decoder`, in plain words.
    pub(crate) fn from_jpeg(e: jpeg_decoder::Error) -> Self {
        match e {
            jpeg_decoder::Error::Unsupported(f) => PipelineError::UnsupportedFeature {
                format: Format::Jpeg,
                detail: format!("{f:?}"),
            },
            jpeg_decoder::Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                PipelineError::Truncated {
                    format: Format::Jpeg,
                    detail: e.to_string(),
                }
            }
            e => Self::from_text(Format::Jpeg, e.to_string()),
        }
    }

    /// Sorts a decoder's message: decoders report the same few problems in many words.
    fn from_text(format: Format, detail: String) -> Self {
        let lower = detail.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        if has(&["crc", "checksum", "adler"]) {
            PipelineError::Checksum { format, detail }
        } else if has(&[
            "end of file",
            "eof",
            "unexpected end",
            "truncated",
            "no more data",
        ]) {
            PipelineError::Truncated { format, detail }
        } else if has(&["memory", "limit"]) {
            PipelineError::OutOfMemory(detail)
        } else {
            PipelineError::Corrupt { format, detail }
        }
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Empty => f.write_str("empty file")?,
            PipelineError::NotAnImage(Looks::Text) => {
                f.write_str("not an image (it looks like text)")?
            }
            PipelineError::NotAnImage(Looks::Html) => {
                f.write_str("not an image (it looks like a web page)")?
            }
            PipelineError::NotAnImage(Looks::Unknown) => {
                f.write_str("not an image this page can read (JPEG, PNG, GIF or WebP)")?
            }
            PipelineError::Unsupported(name) => write!(
                f,
                "unsupported image format ({name}); use JPEG, PNG, GIF or WebP"
            )?,
            PipelineError::UnsupportedFeature { format, .. } => {
                write!(f, "this kind of {} is not supported", format.name())?
            }
            PipelineError::Truncated { format, .. } => {
                write!(f, "truncated {} (the file ends too early)", format.name())?
            }
            PipelineError::Checksum { format, .. } => {
                write!(f, "damaged {} (checksum mismatch)", format.name())?
            }
            PipelineError::Corrupt { format, .. } => write!(f, "corrupt {} data", format.name())?,
            PipelineError::TooManyPixels { width, height } => write!(
                f,
                "{} × {} pixels is over the limit of {} megapixels per image",
                grouped(u64::from(*width)),
                grouped(u64::from(*height)),
                MAX_IMAGE_PIXELS / 1_000_000
            )?,
            PipelineError::SideTooLong { width, height } => write!(
                f,
                "{} × {} pixels is over the limit of {} pixels per side",
                grouped(u64::from(*width)),
                grouped(u64::from(*height)),
                grouped(u64::from(MAX_SIDE))
            )?,
            PipelineError::OutOfMemory(_) => {
                f.write_str("too big to decode within the memory one image may use")?
            }
            PipelineError::Decode(_) => f.write_str("could not read the image")?,
            PipelineError::Resize(_) => f.write_str("could not resize the image")?,
            PipelineError::Encode(_) => f.write_str("could not encode the thumbnail")?,
        }
        match self.detail() {
            Some(detail) if f.alternate() => write!(f, " ({detail})"),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for PipelineError {}

/// `37500` as "37 500": thousands grouped by a no-break space, so a tile never wraps a number.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}
