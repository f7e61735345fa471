//! The CPU stages of the workload: decode, resize, encode.
//!
//! Every technique calls these same functions, so their thumbnails are byte-identical. Files
//! dropped by users may be anything: [`probe`] reads the size from the headers so that
//! [`decode`] refuses oversized images before allocating, and every failure is a
//! [`PipelineError`] worded for people.

mod encode;
mod error;
mod jpeg;
mod png;
mod probe;
mod resize;
mod strips;

use std::io::Cursor;

use image::codecs::{gif::GifDecoder, png::PngDecoder, webp::WebPDecoder};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageResult, Limits};
use serde::{Deserialize, Serialize};

pub use encode::{encode, Encoding, BAND_BYTES};
pub use error::{Format, Looks, PipelineError};
pub use probe::{probe, ImageInfo};
pub use resize::{resize, thumbnail_size, Kernel};
pub use strips::Resizing;

/// How to make a thumbnail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThumbSpec {
    /// The longer side of the thumbnail in pixels; the aspect ratio is kept.
    pub max_side: u32,
    /// How hard the encoder squeezes the PNG.
    #[serde(default)]
    pub effort: Effort,
    /// Which resize kernel makes it.
    #[serde(default)]
    pub kernel: Kernel,
}

impl ThumbSpec {
    /// A thumbnail that fits in `max_side`, encoded fast.
    pub const fn fit(max_side: u32) -> ThumbSpec {
        ThumbSpec {
            max_side,
            effort: Effort::Fast,
            kernel: Kernel::Simd,
        }
    }
}

/// How hard the PNG encoder works to make the thumbnail small: the knob that turns a cheap
/// thumbnail into CPU-heavy work, as an image optimiser's "effort" setting does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    /// Fast deflate: what a service making thumbnails on demand does.
    #[default]
    Fast,
    /// zlib's default level.
    Balanced,
    /// zlib's best level: several times the CPU of `Balanced` for a few per cent smaller files.
    Max,
}

impl Effort {
    /// Every effort, lightest first.
    pub const ALL: [Effort; 3] = [Effort::Fast, Effort::Balanced, Effort::Max];

    /// The id used in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Effort::Fast => "fast",
            Effort::Balanced => "balanced",
            Effort::Max => "max",
        }
    }

    /// Parses an [`id`](Self::id).
    pub fn from_id(id: &str) -> Option<Effort> {
        Effort::ALL.into_iter().find(|e| e.id() == id)
    }

    /// A short description for the page.
    pub fn describe(self) -> &'static str {
        match self {
            Effort::Fast => "fast PNG compression",
            Effort::Balanced => "zlib's default PNG compression",
            Effort::Max => "maximum PNG compression (zlib level 9)",
        }
    }
}

/// Decoded or resized pixels: 8-bit RGB or RGBA, rows top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pixels {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether there is an alpha channel (4 bytes a pixel, else 3).
    pub alpha: bool,
    /// The samples.
    pub data: Vec<u8>,
}

impl Pixels {
    /// Bytes a pixel: 4 with alpha, else 3.
    pub fn pixel_size(&self) -> usize {
        if self.alpha {
            4
        } else {
            3
        }
    }
}

/// A finished thumbnail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumbnail {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The PNG file.
    pub png: Vec<u8>,
}

/// The largest image side we accept: bounds memory for hostile or mistaken inputs.
pub const MAX_SIDE: u32 = 16_384;
/// The most pixels one image may have (50 megapixels: 200 MB as RGBA, and more while a
/// 16-bit PNG is converted).
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;
/// The most memory one decode may allocate.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Decodes JPEG, PNG, GIF (first frame) or WebP bytes (the format is sniffed, not trusted from
/// a name) for a thumbnail of `spec`, upright as their EXIF orientation says.
///
/// The size in the headers is checked against [`MAX_IMAGE_PIXELS`] and [`MAX_SIDE`] before
/// anything is decoded. JPEGs are decoded at reduced scale where that still leaves at least
/// the thumbnail's size (DCT scaling by 1/2, 1/4 or 1/8, "shrink-on-load" as libvips does it):
/// the pixels that resize would throw away are never made.
pub fn decode(bytes: &[u8], spec: &ThumbSpec) -> Result<Pixels, PipelineError> {
    let info = probe(bytes)?;
    info.check_limits()?;
    match info.format {
        Format::Jpeg => {
            jpeg::check_complete(bytes)?;
            jpeg::decode_scaled(bytes, spec)
        }
        Format::Png => {
            png::check_complete(bytes)?;
            // The png crate also holds its own buffers (text, ICC) to the limits.
            let png = PngDecoder::with_limits(Cursor::new(bytes), limits(&info));
            decode_full(png, &info)
        }
        Format::Gif => decode_full(GifDecoder::new(Cursor::new(bytes)), &info),
        Format::Webp => decode_full(WebPDecoder::new(Cursor::new(bytes)), &info),
    }
}

/// Decodes a PNG, GIF or WebP at full size with `image`'s decoder for that format. Each is named
/// rather than chosen by `image::ImageReader`, whose choice among every format it knows links
/// them all, JPEG's too, into the wasm builds (JPEGs go to jpeg-decoder, for its DCT scaling).
fn decode_full<D: ImageDecoder>(
    decoder: ImageResult<D>,
    info: &ImageInfo,
) -> Result<Pixels, PipelineError> {
    let err = |e| PipelineError::from_image(info.format, e);
    let mut decoder = decoder.map_err(err)?;
    decoder.set_limits(limits(info)).map_err(err)?;
    // Unreadable EXIF is not worth failing the image for: show it as stored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(err)?;
    img.apply_orientation(orientation);
    Ok(into_pixels(img))
}

/// What a full-size decode may use.
fn limits(info: &ImageInfo) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // Scaled to the size the headers state (16 bytes a pixel covers 16-bit RGBA and its
    // conversion), so that a GIF frame cannot be far larger than its small logical screen.
    limits.max_alloc = Some((info.pixels() * 16 + (16 << 20)).min(MAX_DECODE_BYTES));
    limits
}

/// 8-bit RGB, or RGBA if the image has alpha.
fn into_pixels(img: DynamicImage) -> Pixels {
    let (width, height) = (img.width(), img.height());
    let alpha = img.color().has_alpha();
    let data = if alpha {
        img.into_rgba8().into_raw()
    } else {
        img.into_rgb8().into_raw()
    };
    Pixels {
        width,
        height,
        alpha,
        data,
    }
}

/// Turns pixels upright as an EXIF orientation says.
fn orient(px: Pixels, orientation: Orientation) -> Result<Pixels, PipelineError> {
    if orientation == Orientation::NoTransforms {
        return Ok(px);
    }
    let bad = || PipelineError::Decode("pixel buffer does not match its size".into());
    let mut img = if px.alpha {
        DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(px.width, px.height, px.data).ok_or_else(bad)?,
        )
    } else {
        DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(px.width, px.height, px.data).ok_or_else(bad)?,
        )
    };
    img.apply_orientation(orientation);
    Ok(into_pixels(img))
}

#[cfg(test)]
mod tests;
