//! The CPU stages of the workload: decode, resize, encode.
//!
//! Every technique calls these same functions, so their thumbnails are byte-identical.

use std::io::Cursor;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::png::{CompressionType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder, ImageReader, Limits};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How to make a thumbnail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThumbSpec {
    /// The longer side of the thumbnail in pixels; the aspect ratio is kept.
    pub max_side: u32,
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

/// Why a stage failed for one image. Other images are not affected.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PipelineError {
    /// The bytes are not an image we can read, or exceed the limits.
    #[error("cannot decode: {0}")]
    Decode(String),
    /// The resize kernel refused the input.
    #[error("cannot resize: {0}")]
    Resize(String),
    /// The thumbnail could not be encoded.
    #[error("cannot encode: {0}")]
    Encode(String),
}

/// The largest image side we accept: bounds memory for hostile or mistaken inputs.
pub const MAX_SIDE: u32 = 16_384;
/// The most memory one decode may allocate.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Decodes JPEG or PNG bytes (the format is sniffed, not trusted from a name) for a thumbnail
/// of `spec`. JPEGs are decoded at reduced scale where that still leaves at least the
/// thumbnail's size (DCT scaling by 1/2, 1/4 or 1/8, "shrink-on-load" as libvips does it): the
/// pixels that resize would throw away are never made.
pub fn decode(bytes: &[u8], spec: &ThumbSpec) -> Result<Pixels, PipelineError> {
    if image::guess_format(bytes).ok() == Some(image::ImageFormat::Jpeg) {
        if let Some(px) = decode_jpeg_scaled(bytes, spec)? {
            return Ok(px);
        }
    }
    decode_full(bytes)
}

/// The scaled JPEG decode; `None` for pixel formats it leaves to the full decoder (CMYK).
fn decode_jpeg_scaled(bytes: &[u8], spec: &ThumbSpec) -> Result<Option<Pixels>, PipelineError> {
    let err = |e: &dyn std::fmt::Display| PipelineError::Decode(e.to_string());
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(MAX_DECODE_BYTES as usize);
    decoder.read_info().map_err(|e| err(&e))?;
    let info = decoder
        .info()
        .ok_or_else(|| PipelineError::Decode("no JPEG header".into()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(PipelineError::Decode(format!(
            "{width}×{height} is larger than {MAX_SIDE}×{MAX_SIDE}"
        )));
    }
    let (tw, th) = thumbnail_size(width, height, spec.max_side);
    // Sides are at most MAX_SIDE, so they fit in u16.
    let (width, height) = decoder.scale(tw as u16, th as u16).map_err(|e| err(&e))?;
    let (width, height) = (u32::from(width), u32::from(height));
    let data = decoder.decode().map_err(|e| err(&e))?;
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => data,
        jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => data
            .chunks_exact(2)
            .flat_map(|l| [l[0], l[0], l[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => return Ok(None),
    };
    if rgb.len() != (width * height * 3) as usize {
        return Err(PipelineError::Decode(
            "the JPEG decoded to an unexpected size".into(),
        ));
    }
    Ok(Some(Pixels {
        width,
        height,
        alpha: false,
        data: rgb,
    }))
}

/// Decodes any supported image at full size.
fn decode_full(bytes: &[u8]) -> Result<Pixels, PipelineError> {
    let err = |e: &dyn std::fmt::Display| PipelineError::Decode(e.to_string());
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| err(&e))?;
    if reader.format().is_none() {
        return Err(PipelineError::Decode("not a JPEG or PNG file".into()));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| err(&e))?;
    let (width, height) = (img.width(), img.height());
    Ok(if img.color().has_alpha() {
        Pixels {
            width,
            height,
            alpha: true,
            data: img.into_rgba8().into_raw(),
        }
    } else {
        Pixels {
            width,
            height,
            alpha: false,
            data: img.into_rgb8().into_raw(),
        }
    })
}

/// The size of the thumbnail of a `width`×`height` image: fits in `max_side`, keeps the aspect
/// ratio, never upscales, never collapses a side to zero.
pub fn thumbnail_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longer = width.max(height);
    if longer <= max_side {
        return (width, height);
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(max_side) + u64::from(longer) / 2) / u64::from(longer)).max(1)
            as u32
    };
    (scale(width), scale(height))
}

/// Resizes with Lanczos3 (SIMD where the target has it) to fit `spec`.
pub fn resize(src: &Pixels, spec: &ThumbSpec) -> Result<Pixels, PipelineError> {
    let err = |e: &dyn std::fmt::Display| PipelineError::Resize(e.to_string());
    let pixel_type = if src.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let (width, height) = thumbnail_size(src.width, src.height, spec.max_side);
    let view = ImageRef::new(src.width, src.height, &src.data, pixel_type).map_err(|e| err(&e))?;
    let mut dst = Image::new(width, height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&view, &mut dst, &options)
        .map_err(|e| err(&e))?;
    Ok(Pixels {
        width,
        height,
        alpha: src.alpha,
        data: dst.into_vec(),
    })
}

/// Encodes pixels as PNG (fast compression: thumbnails are small, and the stage should measure
/// encoding work a real service would do, not an archival squeeze).
pub fn encode(px: &Pixels) -> Result<Thumbnail, PipelineError> {
    let mut png = Vec::new();
    let colour = if px.alpha {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    PngEncoder::new_with_quality(
        &mut png,
        CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(&px.data, px.width, px.height, colour)
    .map_err(|e| PipelineError::Encode(e.to_string()))?;
    Ok(Thumbnail {
        width: px.width,
        height: px.height,
        png,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::{sample_jpeg, SampleSpec};

    #[test]
    fn thumbnail_size_fits_and_keeps_aspect() {
        assert_eq!(thumbnail_size(2000, 1000, 256), (256, 128));
        assert_eq!(thumbnail_size(1000, 2000, 256), (128, 256));
        assert_eq!(thumbnail_size(100, 50, 256), (100, 50));
        assert_eq!(thumbnail_size(10_000, 1, 256), (256, 1));
    }

    #[test]
    fn a_sample_becomes_a_png_thumbnail() {
        let spec = SampleSpec {
            seed: 1,
            count: 1,
            width: 640,
            height: 480,
        };
        let thumb = ThumbSpec { max_side: 64 };
        // Shrink-on-load: 640×480 for a 64 px thumbnail decodes at 1/8, 80×60.
        let px = decode(&sample_jpeg(&spec, 0), &thumb).unwrap();
        assert_eq!((px.width, px.height, px.alpha), (80, 60, false));
        let full = decode(&sample_jpeg(&spec, 0), &ThumbSpec { max_side: 4096 }).unwrap();
        assert_eq!((full.width, full.height), (640, 480));
        let small = resize(&px, &thumb).unwrap();
        assert_eq!((small.width, small.height), (64, 48));
        let thumb = encode(&small).unwrap();
        let back = image::load_from_memory(&thumb.png).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
    }

    #[test]
    fn corrupt_and_truncated_inputs_are_decode_errors() {
        let t = ThumbSpec { max_side: 64 };
        assert!(matches!(
            decode(b"not an image", &t),
            Err(PipelineError::Decode(_))
        ));
        let spec = SampleSpec {
            seed: 1,
            count: 1,
            width: 64,
            height: 64,
        };
        // A JPEG cut inside its headers. (One cut inside the entropy-coded data decodes, grey
        // filled, as browsers show it too.)
        let jpeg = sample_jpeg(&spec, 0);
        assert!(matches!(
            decode(&jpeg[..40], &t),
            Err(PipelineError::Decode(_))
        ));
        let mut png = Vec::new();
        PngEncoder::new(&mut png)
            .write_image(&[7u8; 64 * 64 * 3], 64, 64, ExtendedColorType::Rgb8)
            .unwrap();
        assert!(matches!(
            decode(&png[..png.len() - 20], &t),
            Err(PipelineError::Decode(_))
        ));
    }

    #[test]
    fn rgba_pngs_keep_their_alpha() {
        let mut png = Vec::new();
        PngEncoder::new(&mut png)
            .write_image(&[255u8; 40 * 20 * 4], 40, 20, ExtendedColorType::Rgba8)
            .unwrap();
        let px = decode(&png, &ThumbSpec { max_side: 10 }).unwrap();
        assert!(px.alpha);
        let thumb = encode(&resize(&px, &ThumbSpec { max_side: 10 }).unwrap()).unwrap();
        assert_eq!((thumb.width, thumb.height), (10, 5));
    }
}
