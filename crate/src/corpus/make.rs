//! File makers for the corpus: real encoders where the file must be valid, hand-built bytes
//! where it must lie. Everything is a pure function of its arguments.

use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, Frame, ImageEncoder, RgbaImage};
use jpeg_encoder::ColorType;

/// Why the corpus could not be made (an encoder refused its input: a bug in the corpus).
pub type MakeError = String;

fn fail(e: impl std::fmt::Display) -> MakeError {
    e.to_string()
}

/// Photo-like pixels with a red top-left quarter, so a test can tell which way is up.
pub fn pattern(width: u32, height: u32, channels: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(width as usize * height as usize * channels);
    for y in 0..height {
        for x in 0..width {
            let marker = x < width / 2 && y < height / 2;
            let (r, g, b) = if marker {
                (230, 20, 20)
            } else {
                let gx = (x * 200 / width.max(1)) as u8;
                let gy = (y * 200 / height.max(1)) as u8;
                (gx / 2, 40 + gy, 120 + ((x ^ y) & 0x3F) as u8)
            };
            let a = 255 - (x * 128 / width.max(1)) as u8;
            out.extend_from_slice(&[r, g, b, a][..channels.min(4)]);
            if channels == 1 {
                // Grey: the luma of the pixel just pushed.
                if let Some(last) = out.last_mut() {
                    *last = ((u32::from(r) * 3 + u32::from(g) * 6 + u32::from(b)) / 10) as u8;
                }
            }
        }
    }
    out
}

/// A baseline JPEG from `image`'s encoder (grey or RGB).
pub fn jpeg_baseline(width: u32, height: u32, grey: bool) -> Result<Vec<u8>, MakeError> {
    let (channels, colour) = if grey {
        (1, ExtendedColorType::L8)
    } else {
        (3, ExtendedColorType::Rgb8)
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(&pattern(width, height, channels), width, height, colour)
        .map_err(fail)?;
    Ok(out)
}

/// How `jpeg_encoder` should write a JPEG.
#[derive(Clone, Copy)]
pub enum JpegKind {
    /// Progressive YCbCr.
    Progressive,
    /// Adobe CMYK (stored inverted, as Photoshop does).
    Cmyk,
    /// Adobe YCCK.
    Ycck,
    /// Baseline with a restart marker every MCU row.
    Restarts,
}

/// A JPEG that `image` cannot write, optionally with an EXIF orientation.
pub fn jpeg_special(
    width: u16,
    height: u16,
    kind: JpegKind,
    orientation: Option<u16>,
) -> Result<Vec<u8>, MakeError> {
    let (w, h) = (u32::from(width), u32::from(height));
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    if let Some(o) = orientation {
        enc.add_exif_metadata(&exif_orientation(o)).map_err(fail)?;
    }
    let (data, colour) = match kind {
        JpegKind::Progressive => {
            enc.set_progressive(true);
            (pattern(w, h, 3), ColorType::Rgb)
        }
        JpegKind::Restarts => {
            enc.set_restart_interval(u16::try_from(w.div_ceil(16)).map_err(fail)?);
            (pattern(w, h, 3), ColorType::Rgb)
        }
        JpegKind::Cmyk | JpegKind::Ycck => {
            // Ink amounts for the RGB pattern: K = 1 − max, C = (1 − R − K)/(1 − K), …
            let cmyk = pattern(w, h, 3)
                .chunks_exact(3)
                .flat_map(|p| {
                    let max = u32::from(p[0].max(p[1]).max(p[2])).max(1);
                    let ink = |c: u8| (255 - u32::from(c) * 255 / max) as u8;
                    [ink(p[0]), ink(p[1]), ink(p[2]), (255 - max) as u8]
                })
                .collect();
            let colour = match kind {
                JpegKind::Cmyk => ColorType::Cmyk,
                _ => ColorType::CmykAsYcck,
            };
            (cmyk, colour)
        }
    };
    enc.encode(&data, width, height, colour).map_err(fail)?;
    Ok(out)
}

/// A big-endian TIFF block with one IFD entry: Orientation (0x0112), SHORT, 1 value.
pub fn exif_orientation(orientation: u16) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    t
}

/// Rewrites the size in a JPEG's frame header: a file whose header lies.
pub fn jpeg_with_size(mut jpeg: Vec<u8>, width: u16, height: u16) -> Vec<u8> {
    let sof = jpeg
        .windows(2)
        .position(|w| w[0] == 0xFF && matches!(w[1], 0xC0 | 0xC2));
    // FF Cx, length (2), precision (1), height (2), width (2).
    if let Some(size) = sof.and_then(|i| jpeg.get_mut(i + 5..i + 9)) {
        size[..2].copy_from_slice(&height.to_be_bytes());
        size[2..].copy_from_slice(&width.to_be_bytes());
    }
    jpeg
}

/// A PNG from the `png` crate: any colour type and depth, optional palette and transparency.
pub fn png_image(
    width: u32,
    height: u32,
    colour: png::ColorType,
    depth: png::BitDepth,
    data: &[u8],
    palette: Option<(Vec<u8>, Vec<u8>)>,
) -> Result<Vec<u8>, MakeError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(colour);
    enc.set_depth(depth);
    if let Some((plte, trns)) = palette {
        enc.set_palette(plte);
        enc.set_trns(trns);
    }
    let mut writer = enc.write_header().map_err(fail)?;
    writer.write_image_data(data).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}

/// The PNG with an eXIf chunk (the orientation) inserted after its IHDR.
pub fn png_with_orientation(png: &[u8], orientation: u16) -> Vec<u8> {
    let exif = exif_orientation(orientation);
    let mut chunk = (exif.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"eXIf");
    chunk.extend_from_slice(&exif);
    let crc = crc32fast::hash(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    // Signature (8) and IHDR (25).
    let (head, tail) = png.split_at(33.min(png.len()));
    [head, &chunk, tail].concat()
}

/// A 1-bit grey PNG of zeros, streamed row by row: a few kilobytes that claim a huge image.
pub fn png_bomb(width: u32, height: u32) -> Result<Vec<u8>, MakeError> {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, width, height);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::One);
        enc.set_compression(png::Compression::High);
        let mut writer = enc.write_header().map_err(fail)?;
        let mut stream = writer.stream_writer().map_err(fail)?;
        let row = vec![0u8; width.div_ceil(8) as usize];
        for _ in 0..height {
            stream.write_all(&row).map_err(fail)?;
        }
        stream.finish().map_err(fail)?;
    }
    Ok(out)
}

/// A PNG assembled chunk by chunk, for files the encoder will not write: Adam7 interlacing,
/// or headers that lie. `scanlines` are the filtered rows (stored uncompressed in zlib).
pub fn png_raw(
    ihdr: [u32; 2],
    depth_and_colour: [u8; 2],
    interlace: u8,
    scanlines: &[u8],
) -> Vec<u8> {
    let mut head = Vec::new();
    head.extend_from_slice(&ihdr[0].to_be_bytes());
    head.extend_from_slice(&ihdr[1].to_be_bytes());
    head.extend_from_slice(&[depth_and_colour[0], depth_and_colour[1], 0, 0, interlace]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", head),
        (b"IDAT", zlib_stored(scanlines)),
        (b"IEND", Vec::new()),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(&data);
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    out
}

/// A zlib stream of stored (uncompressed) blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// RGB pixels as the filtered scanlines of an Adam7-interlaced PNG (filter 0 everywhere).
pub fn adam7_scanlines(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    const PASSES: [(u32, u32, u32, u32); 7] = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let mut out = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= width || y0 >= height {
            continue;
        }
        for y in (y0..height).step_by(dy as usize) {
            out.push(0);
            for x in (x0..width).step_by(dx as usize) {
                let i = ((y * width + x) * 3) as usize;
                out.extend_from_slice(&rgb[i..i + 3]);
            }
        }
    }
    out
}

/// An animated GIF of two frames; only the first is shown.
pub fn gif_animation(width: u32, height: u32) -> Result<Vec<u8>, MakeError> {
    let first = RgbaImage::from_raw(width, height, pattern(width, height, 4)).ok_or("size")?;
    let second = RgbaImage::from_pixel(width, height, image::Rgba([0, 0, 255, 255]));
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new_with_speed(&mut out, 30);
        enc.set_repeat(Repeat::Infinite).map_err(fail)?;
        enc.encode_frames([Frame::new(first), Frame::new(second)])
            .map_err(fail)?;
    }
    Ok(out)
}

/// A GIF whose logical screen is `width`×`height` but whose one frame is 1×1.
pub fn gif_screen(width: u16, height: u16) -> Vec<u8> {
    let mut g = b"GIF89a".to_vec();
    g.extend_from_slice(&width.to_le_bytes());
    g.extend_from_slice(&height.to_le_bytes());
    // Global table of 2 colours; image descriptor at 0,0 of 1×1; LZW min code size 2.
    g.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    g.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
    g.extend_from_slice(&[2, 2, 0x4C, 0x01, 0, 0x3B]);
    g
}

/// A lossless WebP from `image`'s encoder.
pub fn webp_lossless(width: u32, height: u32) -> Result<Vec<u8>, MakeError> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(
            &pattern(width, height, 4),
            width,
            height,
            ExtendedColorType::Rgba8,
        )
        .map_err(fail)?;
    Ok(out)
}
