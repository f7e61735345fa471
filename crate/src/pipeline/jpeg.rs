//! JPEG: a marker walk (size from the headers, truncation before decoding) and the
//! shrink-on-load decode with `jpeg-decoder`, whose DCT scaling decodes at 1/2, 1/4 or 1/8.

use image::metadata::Orientation;

use super::error::{Format, PipelineError};
use super::{orient, thumbnail_size, Pixels, ThumbSpec, MAX_DECODE_BYTES};

/// Width and height from the first frame header (SOFn), reading no entropy-coded data.
pub(crate) fn frame_size(bytes: &[u8]) -> Result<(u32, u32), PipelineError> {
    walk(bytes, true)
}

/// Walks every marker to the end of the image: a file cut short (no EOI) is refused here,
/// because the decoder would silently fill the missing part with grey.
pub(crate) fn check_complete(bytes: &[u8]) -> Result<(), PipelineError> {
    walk(bytes, false).map(|_| ())
}

fn truncated(what: &str) -> PipelineError {
    PipelineError::Truncated {
        format: Format::Jpeg,
        detail: format!("the file ends inside the {what}"),
    }
}

fn corrupt(detail: String) -> PipelineError {
    PipelineError::Corrupt {
        format: Format::Jpeg,
        detail,
    }
}

/// Segment by segment from SOI; entropy-coded data after SOS is skipped to the next marker
/// (`FF 00` is a stuffed byte, `FF D0`–`FF D7` a restart marker inside the data).
fn walk(bytes: &[u8], stop_at_frame: bool) -> Result<(u32, u32), PipelineError> {
    let mut size = None;
    let mut i = 2;
    loop {
        // Stray bytes between segments are skipped, as libjpeg does (with a warning).
        i += bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
            .ok_or_else(|| truncated("headers"))?;
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let marker = *bytes.get(i).ok_or_else(|| truncated("headers"))?;
        i += 1;
        match marker {
            0xD9 => return size.ok_or_else(|| corrupt("no frame header".into())),
            0xD0..=0xD7 | 0x01 => continue,
            0x00 | 0xD8 => return Err(corrupt(format!("marker {marker:#04x} out of place"))),
            _ => {}
        }
        let len = bytes
            .get(i..i + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or_else(|| truncated("headers"))?;
        if len < 2 {
            return Err(corrupt(format!("segment length {len}")));
        }
        let segment = bytes
            .get(i + 2..i + len)
            .ok_or_else(|| truncated("headers"))?;
        i += len;
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame && size.is_none() {
            let s = segment
                .get(..5)
                .ok_or_else(|| corrupt("short frame header".into()))?;
            let side = |b: &[u8]| u32::from(u16::from_be_bytes([b[0], b[1]]));
            size = Some((side(&s[3..]), side(&s[1..])));
            if stop_at_frame {
                return size.ok_or_else(|| corrupt("no frame header".into()));
            }
        }
        if marker == 0xDA {
            if size.is_none() {
                return Err(corrupt("image data before the frame header".into()));
            }
            i = skip_entropy_coded(bytes, i).ok_or_else(|| truncated("image data"))?;
        }
    }
}

/// The index of the marker that ends the entropy-coded data starting at `i`.
fn skip_entropy_coded(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += bytes.get(i..)?.iter().position(|&b| b == 0xFF)?;
        match *bytes.get(i + 1)? {
            0x00 | 0xD0..=0xD7 => i += 2,
            _ => return Some(i),
        }
    }
}

/// Decodes at the smallest DCT scale that still covers the thumbnail, then turns the pixels
/// upright as the EXIF orientation says.
pub(crate) fn decode_scaled(bytes: &[u8], spec: &ThumbSpec) -> Result<Pixels, PipelineError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(MAX_DECODE_BYTES).unwrap_or(usize::MAX));
    decoder.read_info().map_err(PipelineError::from_jpeg)?;
    let info = decoder
        .info()
        .ok_or_else(|| corrupt("no frame header".into()))?;
    let (tw, th) = thumbnail_size(u32::from(info.width), u32::from(info.height), spec.max_side);
    // The thumbnail is no larger than the image, whose sides are u16 in a JPEG.
    let (tw, th) = (
        u16::try_from(tw).unwrap_or(u16::MAX),
        u16::try_from(th).unwrap_or(u16::MAX),
    );
    let (width, height) = decoder.scale(tw, th).map_err(PipelineError::from_jpeg)?;
    let (width, height) = (u32::from(width), u32::from(height));
    let data = decoder.decode().map_err(PipelineError::from_jpeg)?;
    let rgb: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => data,
        jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::L16 => data
            .chunks_exact(2)
            .flat_map(|l| [l[0], l[0], l[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => data.chunks_exact(4).flat_map(cmyk_to_rgb).collect(),
    };
    if rgb.len() as u64 != u64::from(width) * u64::from(height) * 3 {
        return Err(corrupt(format!(
            "{} bytes of pixels for {width}×{height}",
            rgb.len()
        )));
    }
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    orient(
        Pixels {
            width,
            height,
            alpha: false,
            data: rgb,
        },
        orientation,
    )
}

/// `jpeg-decoder` has already undone Adobe's inverted storage: these are ink amounts. Naive
/// conversion (no ICC profile), as browsers do for untagged CMYK.
fn cmyk_to_rgb(cmyk: &[u8]) -> [u8; 3] {
    let k = 255 - u32::from(cmyk[3]);
    // Rounded (x·k)/255, exact in integers.
    let ink = |c: u8| ((255 - u32::from(c)) * k + 127) / 255;
    [ink(cmyk[0]) as u8, ink(cmyk[1]) as u8, ink(cmyk[2]) as u8]
}
