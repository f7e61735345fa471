//! A generated corpus of unusual and hostile image files, with what the pipeline must make of
//! each: the thumbnail's size, or an error a person can read.
//!
//! Everything is made here, deterministically, in a fraction of a second: no binary test files
//! in the repository. `cargo xtask corpus` writes the files for the end-to-end test, and
//! [`fuzz`] mutates them to look for panics.

pub mod fuzz;
mod make;
mod manifest;

use crate::pipeline::{self, PipelineError, ThumbSpec};
use make::{JpegKind, MakeError};
pub use manifest::manifest_json;
use png::{BitDepth, ColorType};

/// The thumbnail size the expectations are for.
pub const THUMB: ThumbSpec = ThumbSpec::fit(256);

/// What the pipeline must make of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A thumbnail of this size.
    Ok {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// An error whose message contains this phrase.
    Err(&'static str),
}

/// One file of the corpus.
#[derive(Clone, Debug)]
pub struct Case {
    /// A file name with a realistic extension (what a person would drop).
    pub name: &'static str,
    /// The file.
    pub bytes: Vec<u8>,
    /// What the pipeline must make of it at [`THUMB`].
    pub expect: Expect,
}

const fn ok(width: u32, height: u32) -> Expect {
    Expect::Ok { width, height }
}

/// Every case, valid ones first.
pub fn cases() -> Result<Vec<Case>, MakeError> {
    let mut out = valid()?;
    out.extend(hostile()?);
    Ok(out)
}

/// Unusual but valid files: each must become a thumbnail.
fn valid() -> Result<Vec<Case>, MakeError> {
    let rgb = |w, h| make::pattern(w, h, 3);
    let grey_alpha: Vec<u8> = make::pattern(64, 48, 4)
        .chunks_exact(4)
        .flat_map(|p| [p[1], p[3]])
        .collect();
    let rgb16: Vec<u8> = rgb(300, 200).iter().flat_map(|&v| [v, v ^ 0x5A]).collect();
    // 16 colours; index 0 fully transparent.
    let palette = (0..16u8)
        .flat_map(|i| [i * 16, 255 - i * 16, 128])
        .collect();
    let indices: Vec<u8> = (0..96u32 * 64)
        .map(|i| (((i % 96) / 6 + (i / 96) / 4) % 16) as u8)
        .collect();
    let grey1: Vec<u8> = make::pattern(40, 4000, 1);
    Ok(vec![
        case(
            "baseline.jpg",
            make::jpeg_baseline(640, 480, false)?,
            ok(256, 192),
        ),
        case(
            "grey.jpg",
            make::jpeg_baseline(300, 300, true)?,
            ok(256, 256),
        ),
        case(
            "progressive.jpg",
            make::jpeg_special(640, 480, JpegKind::Progressive, None)?,
            ok(256, 192),
        ),
        case(
            "cmyk.jpg",
            make::jpeg_special(320, 240, JpegKind::Cmyk, None)?,
            ok(256, 192),
        ),
        case(
            "ycck.jpg",
            make::jpeg_special(320, 240, JpegKind::Ycck, None)?,
            ok(256, 192),
        ),
        case(
            "restart-markers.jpg",
            make::jpeg_special(320, 240, JpegKind::Restarts, None)?,
            ok(256, 192),
        ),
        // Stored 400×200; shown after turning, so the thumbnail is portrait for 6 and 8.
        case(
            "exif-rotated-6.jpg",
            make::jpeg_special(400, 200, JpegKind::Progressive, Some(6))?,
            ok(128, 256),
        ),
        case(
            "exif-rotated-8.jpg",
            make::jpeg_special(400, 200, JpegKind::Restarts, Some(8))?,
            ok(128, 256),
        ),
        case(
            "exif-rotated-3.jpg",
            make::jpeg_special(400, 200, JpegKind::Restarts, Some(3))?,
            ok(256, 128),
        ),
        case("one-pixel.jpg", make::jpeg_baseline(1, 1, false)?, ok(1, 1)),
        case(
            "wide-4000x40.jpg",
            make::jpeg_baseline(4000, 40, false)?,
            ok(256, 3),
        ),
        case(
            "rgb16.png",
            png(300, 200, ColorType::Rgb, BitDepth::Sixteen, &rgb16)?,
            ok(256, 171),
        ),
        case(
            "palette.png",
            make::png_image(
                96,
                64,
                ColorType::Indexed,
                BitDepth::Eight,
                &indices,
                Some((palette, vec![0])),
            )?,
            ok(96, 64),
        ),
        case(
            "grey.png",
            png(
                120,
                90,
                ColorType::Grayscale,
                BitDepth::Eight,
                &make::pattern(120, 90, 1),
            )?,
            ok(120, 90),
        ),
        case(
            "grey-alpha.png",
            png(
                64,
                48,
                ColorType::GrayscaleAlpha,
                BitDepth::Eight,
                &grey_alpha,
            )?,
            ok(64, 48),
        ),
        case(
            "interlaced.png",
            make::png_raw(
                [300, 300],
                [8, 2],
                1,
                &make::adam7_scanlines(300, 300, &rgb(300, 300)),
            ),
            ok(256, 256),
        ),
        case(
            "one-pixel.png",
            png(1, 1, ColorType::Rgba, BitDepth::Eight, &[1, 2, 3, 4])?,
            ok(1, 1),
        ),
        case(
            "tall-40x4000.png",
            png(40, 4000, ColorType::Grayscale, BitDepth::Eight, &grey1)?,
            ok(3, 256),
        ),
        case(
            "line-10000x1.png",
            png(10_000, 1, ColorType::Rgb, BitDepth::Eight, &rgb(10_000, 1))?,
            ok(256, 1),
        ),
        case("animated.gif", make::gif_animation(120, 80)?, ok(120, 80)),
        case(
            "lossless.webp",
            make::webp_lossless(200, 100)?,
            ok(200, 100),
        ),
        case(
            "exif-rotated-6.png",
            make::png_with_orientation(
                &png(200, 100, ColorType::Rgb, BitDepth::Eight, &rgb(200, 100))?,
                6,
            ),
            ok(100, 200),
        ),
    ])
}

/// Hostile or mistaken files: each must become its error, quickly and in bounded memory.
fn hostile() -> Result<Vec<Case>, MakeError> {
    let jpeg = make::jpeg_baseline(320, 240, false)?;
    let gif = make::gif_animation(120, 80)?;
    let png_ok = png(
        64,
        64,
        ColorType::Rgb,
        BitDepth::Eight,
        &make::pattern(64, 64, 3),
    )?;
    let mut bad_crc = png_ok.clone();
    // A byte inside the IDAT data (IHDR ends at 33; IDAT's data starts at 41).
    bad_crc[50] ^= 0x10;
    let mut corrupt_scan = make::jpeg_special(320, 240, JpegKind::Restarts, None)?;
    // Renumber the second restart marker: the scan data no longer follows its structure.
    let rst: Vec<usize> = corrupt_scan
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] == 0xFF && (0xD0..=0xD7).contains(&w[1]))
        .map(|(i, _)| i)
        .collect();
    if let Some(&i) = rst.get(1) {
        corrupt_scan[i + 1] = 0xD5;
    }
    let mut random = vec![0u8; 4096];
    let mut rng = fastrand::Rng::with_seed(6);
    rng.fill(&mut random);
    random[0] = 0x42;
    let tiny_jpeg = make::jpeg_baseline(16, 16, false)?;
    let html = "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n\
                <body><h1>Not Found</h1><p>The requested URL was not found.</p></body></html>\n";
    let text = "Shopping list\n- milk\n- bread\n- a camera that saves real JPEGs\n";
    let over = "over the limit of 50 megapixels";
    Ok(vec![
        case("empty.jpg", Vec::new(), Expect::Err("empty file")),
        case(
            "truncated.jpg",
            jpeg[..jpeg.len() * 2 / 3].to_vec(),
            Expect::Err("truncated JPEG"),
        ),
        case(
            "truncated-header.jpg",
            jpeg[..120].to_vec(),
            Expect::Err("truncated JPEG"),
        ),
        case(
            "truncated.png",
            png_ok[..png_ok.len() * 2 / 3].to_vec(),
            Expect::Err("truncated PNG"),
        ),
        case(
            "truncated.gif",
            gif[..gif.len() / 2].to_vec(),
            Expect::Err("truncated GIF"),
        ),
        case(
            "corrupt-scan.jpg",
            corrupt_scan,
            Expect::Err("corrupt JPEG data"),
        ),
        case(
            "bad-crc.png",
            bad_crc,
            Expect::Err("damaged PNG (checksum mismatch)"),
        ),
        case(
            "page.html.jpg",
            html.as_bytes().to_vec(),
            Expect::Err("not an image (it looks like a web page)"),
        ),
        case(
            "notes.txt.jpg",
            text.as_bytes().to_vec(),
            Expect::Err("not an image (it looks like text)"),
        ),
        case(
            "random.jpg",
            random,
            Expect::Err("not an image this page can read"),
        ),
        case(
            "heic-renamed.jpg",
            heic_header(),
            Expect::Err("unsupported image format (HEIC)"),
        ),
        case(
            "huge-header-65500.jpg",
            make::jpeg_with_size(tiny_jpeg, 65_500, 65_500),
            Expect::Err(over),
        ),
        case(
            "huge-header-50000.png",
            make::png_raw([50_000, 50_000], [8, 2], 0, &[0; 151]),
            Expect::Err(over),
        ),
        case(
            "zero-width.png",
            make::png_raw([0, 64], [8, 2], 0, &[]),
            Expect::Err("corrupt PNG data"),
        ),
        // 100 megapixels of zeros in about 20 KB.
        case(
            "bomb.png",
            make::png_bomb(10_000, 10_000)?,
            Expect::Err(over),
        ),
        case(
            "bomb.gif",
            make::gif_screen(40_000, 40_000),
            Expect::Err(over),
        ),
        // Under the pixel budget, over the side limit.
        case(
            "too-wide-20000x100.png",
            make::png_bomb(20_000, 100)?,
            Expect::Err("over the limit of 16\u{a0}384 pixels per side"),
        ),
    ])
}

fn case(name: &'static str, bytes: Vec<u8>, expect: Expect) -> Case {
    Case {
        name,
        bytes,
        expect,
    }
}

fn png(
    w: u32,
    h: u32,
    colour: ColorType,
    depth: BitDepth,
    data: &[u8],
) -> Result<Vec<u8>, MakeError> {
    make::png_image(w, h, colour, depth, data, None)
}

/// The start of an iPhone photo: an ISO-BMFF `ftyp` box with the HEIC brand.
fn heic_header() -> Vec<u8> {
    let mut h = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    h.resize(512, 0);
    h
}

/// Runs a case through decode → resize → encode and compares with its expectation; returns
/// the outcome as the gallery would show it.
pub fn check(case: &Case) -> Result<String, String> {
    let outcome = run(&case.bytes, &THUMB);
    match (&case.expect, &outcome) {
        (Expect::Ok { width, height }, Ok((w, h))) if (w, h) == (width, height) => {
            Ok(format!("{w}×{h}"))
        }
        (Expect::Err(phrase), Err(e)) if e.to_string().contains(phrase) => Ok(e.to_string()),
        _ => Err(format!(
            "{}: expected {:?}, got {}",
            case.name,
            case.expect,
            match outcome {
                Ok((w, h)) => format!("a {w}×{h} thumbnail"),
                Err(e) => format!("“{e:#}”"),
            }
        )),
    }
}

/// The whole pipeline for one file: the thumbnail's size, or why there is none.
pub fn run(bytes: &[u8], spec: &ThumbSpec) -> Result<(u32, u32), PipelineError> {
    let px = pipeline::decode(bytes, spec)?;
    let small = pipeline::resize(&px, spec)?;
    let thumb = pipeline::encode(&small, spec.effort)?;
    Ok((thumb.width, thumb.height))
}

#[cfg(test)]
mod tests;
