//! Seeded, photo-like sample images, and the sample library the page serves.
//!
//! The library ([`SampleSet`]) is made by `cargo xtask samples` into `www/samples/`, served by
//! the page's own origin and fetched for real. Each image is a landscape: a sky gradient, a wavy horizon, soft coloured discs (sun, trees,
//! clouds) and fine sensor-like noise, encoded as a quality-90 JPEG. The noise matters: without
//! high-frequency detail a JPEG is unrealistically small and cheap to decode. The same seed,
//! index and size always give the same bytes.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};
use serde::{Deserialize, Serialize};

/// Seed of the served library. Changing the generator or this seed changes every file: bump
/// [`LIBRARY_VERSION`] so that `cargo xtask samples` makes them again.
pub const LIBRARY_SEED: u64 = 1;
/// Version of the generated library.
pub const LIBRARY_VERSION: &str = "1";

/// A set of sample files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SampleSet {
    /// 16 JPEG photos of 2000×2000 (4 MP): the CPU-bound batch.
    Photos,
    /// 16 small JPEGs of 640×480: cheap to decode, so I/O dominates.
    Small,
    /// 16 files from 320×240 to 4000×3000 (12 MP), JPEG and PNG.
    Mixed,
}

/// Encoded file format of a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JPEG, quality [`JPEG_QUALITY`].
    Jpeg,
    /// PNG (RGB, 8 bits).
    Png,
}

/// One file of the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleFile {
    /// Path below the library folder, e.g. `photos/03.jpg`.
    pub path: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Format.
    pub format: Format,
    /// Index of the image within its set (and its seed).
    pub index: u32,
}

impl SampleSet {
    /// Every set.
    pub const ALL: [SampleSet; 3] = [SampleSet::Photos, SampleSet::Small, SampleSet::Mixed];
    /// Files per set.
    pub const LEN: u32 = 16;

    /// The id used in URLs and folder names.
    pub fn id(self) -> &'static str {
        match self {
            SampleSet::Photos => "photos",
            SampleSet::Small => "small",
            SampleSet::Mixed => "mixed",
        }
    }

    /// Parses an [`id`](Self::id).
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }

    /// A short description for the page.
    pub fn describe(self) -> &'static str {
        match self {
            SampleSet::Photos => "2000×2000 JPEG photos (4 MP, ~1 MB each)",
            SampleSet::Small => "640×480 JPEGs (~100 KB each)",
            SampleSet::Mixed => "320×240 to 4000×3000 (12 MP), JPEG and PNG",
        }
    }

    /// The set's files, in task order.
    pub fn files(self) -> Vec<SampleFile> {
        (0..Self::LEN)
            .map(|index| {
                let (width, height, format) = match self {
                    SampleSet::Photos => (2000, 2000, Format::Jpeg),
                    SampleSet::Small => (640, 480, Format::Jpeg),
                    SampleSet::Mixed => match index % 4 {
                        0 => (320, 240, Format::Png),
                        1 => (1024, 768, Format::Png),
                        2 => (2000, 1500, Format::Jpeg),
                        _ => (4000, 3000, Format::Jpeg),
                    },
                };
                let ext = match format {
                    Format::Jpeg => "jpg",
                    Format::Png => "png",
                };
                SampleFile {
                    path: format!("{}/{index:02}.{ext}", self.id()),
                    width,
                    height,
                    format,
                    index,
                }
            })
            .collect()
    }
}

impl SampleFile {
    /// Makes the file's bytes (deterministic).
    pub fn encode(&self) -> Vec<u8> {
        let spec = SampleSpec {
            seed: LIBRARY_SEED,
            count: SampleSet::LEN,
            width: self.width,
            height: self.height,
        };
        match self.format {
            Format::Jpeg => sample_jpeg(&spec, self.index),
            Format::Png => {
                let rgb = sample_pixels(&spec, self.index);
                let mut out = Vec::new();
                PngEncoder::new(&mut out)
                    .write_image(&rgb, self.width, self.height, ExtendedColorType::Rgb8)
                    .expect("encoding an in-memory RGB buffer of matching size cannot fail");
                out
            }
        }
    }
}

/// What batch to make: `count` images of `width`×`height` from `seed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleSpec {
    /// Seed of the whole batch.
    pub seed: u64,
    /// Number of images.
    pub count: u32,
    /// Width of each image in pixels.
    pub width: u32,
    /// Height of each image in pixels.
    pub height: u32,
}

/// JPEG quality of the samples: what a camera or a photo site typically serves.
pub const JPEG_QUALITY: u8 = 90;

/// Makes image `index` of the batch as JPEG bytes.
pub fn sample_jpeg(spec: &SampleSpec, index: u32) -> Vec<u8> {
    let rgb = sample_pixels(spec, index);
    let mut out = Vec::with_capacity(rgb.len() / 8);
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode(&rgb, spec.width, spec.height, ExtendedColorType::Rgb8)
        .expect("encoding an in-memory RGB buffer of matching size cannot fail");
    out
}

/// Makes the RGB8 pixels of image `index` of the batch.
pub fn sample_pixels(spec: &SampleSpec, index: u32) -> Vec<u8> {
    let (w, h) = (spec.width as usize, spec.height as usize);
    let mut rng = fastrand::Rng::with_seed(
        spec.seed
            ^ u64::from(index)
                .wrapping_add(1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let colour = |rng: &mut fastrand::Rng, lo: u8, hi: u8| {
        [rng.u8(lo..hi), rng.u8(lo..hi), rng.u8(lo..hi)].map(f32::from)
    };
    let sky_top = colour(&mut rng, 20, 120);
    let sky_bottom = colour(&mut rng, 140, 250);
    let ground_near = colour(&mut rng, 10, 90);
    let ground_far = colour(&mut rng, 60, 180);

    // Horizon height per column: two waves with random phase.
    let (f1, f2) = (rng.f32() * 6.0 + 1.0, rng.f32() * 25.0 + 5.0);
    let (p1, p2) = (rng.f32() * 6.3, rng.f32() * 6.3);
    let base = h as f32 * (0.45 + rng.f32() * 0.2);
    let horizon: Vec<f32> = (0..w)
        .map(|x| {
            let t = x as f32 / w as f32 * std::f32::consts::TAU;
            base + h as f32 * (0.08 * (t * f1 + p1).sin() + 0.015 * (t * f2 + p2).sin())
        })
        .collect();
    // Texture of the ground: stripes that vary per column.
    let stripe: Vec<f32> = (0..w)
        .map(|x| (x as f32 * 0.05 + p2).sin() * 12.0)
        .collect();

    struct Disc {
        cx: f32,
        cy: f32,
        r2: f32,
        colour: [f32; 3],
    }
    let discs: Vec<Disc> = (0..7)
        .map(|_| {
            let r = (rng.f32() * 0.12 + 0.03) * w.min(h) as f32;
            Disc {
                cx: rng.f32() * w as f32,
                cy: rng.f32() * h as f32,
                r2: r * r,
                colour: colour(&mut rng, 0, 255),
            }
        })
        .collect();

    let mut out = vec![0u8; w * h * 3];
    for (y, row) in out.chunks_exact_mut(w * 3).enumerate() {
        let yf = y as f32;
        for (x, px) in row.chunks_exact_mut(3).enumerate() {
            let hz = horizon[x];
            let mut c = if yf < hz {
                lerp(sky_top, sky_bottom, yf / hz)
            } else {
                let t = (yf - hz) / (h as f32 - hz).max(1.0);
                let g = lerp(ground_far, ground_near, t);
                let s = stripe[x] * (yf * 0.02).sin();
                [g[0] + s, g[1] + s, g[2] + s]
            };
            for d in &discs {
                let (dx, dy) = (x as f32 - d.cx, yf - d.cy);
                let q = (dx * dx + dy * dy) / d.r2;
                if q < 1.0 {
                    c = lerp(c, d.colour, (1.0 - q) * 0.85);
                }
            }
            let n = f32::from(rng.u8(..)) / 255.0 * 16.0 - 8.0;
            for (o, v) in px.iter_mut().zip(c) {
                *o = (v + n).clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

fn lerp(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: SampleSpec = SampleSpec {
        seed: 7,
        count: 2,
        width: 96,
        height: 64,
    };

    #[test]
    fn same_seed_same_bytes_other_index_other_bytes() {
        assert_eq!(sample_jpeg(&SPEC, 0), sample_jpeg(&SPEC, 0));
        assert_ne!(sample_jpeg(&SPEC, 0), sample_jpeg(&SPEC, 1));
        let other = SampleSpec { seed: 8, ..SPEC };
        assert_ne!(sample_jpeg(&SPEC, 0), sample_jpeg(&other, 0));
    }

    #[test]
    fn library_files_decode_to_their_listed_size_and_format() {
        let files = SampleSet::Mixed.files();
        assert_eq!(files.len(), 16);
        for f in files.iter().take(2) {
            let bytes = f.encode();
            let format = image::guess_format(&bytes).unwrap();
            let expected = if f.format == Format::Png {
                image::ImageFormat::Png
            } else {
                image::ImageFormat::Jpeg
            };
            assert_eq!(format, expected, "{}", f.path);
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!((img.width(), img.height()), (f.width, f.height));
        }
        assert!(
            files.iter().any(|f| f.width * f.height >= 12_000_000),
            "up to about 12 MP"
        );
        for set in SampleSet::ALL {
            assert_eq!(SampleSet::from_id(set.id()), Some(set));
        }
    }

    #[test]
    fn samples_are_valid_jpegs_of_the_asked_size() {
        let bytes = sample_jpeg(&SPEC, 1);
        let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg).unwrap();
        assert_eq!((img.width(), img.height()), (96, 64));
    }
}
