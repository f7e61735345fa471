//! The resize stage, with two kernels: the same Lanczos3 filter, written two ways. Choosing
//! between them on the page shows that a better algorithm can beat a second core.

use fast_image_resize::images::{TypedImage, TypedImageRef};
use fast_image_resize::pixels::{U8x3, U8x4};
use fast_image_resize::{FilterType, PixelTrait, ResizeAlg, ResizeOptions, Resizer};
use image::imageops::{self, FilterType as ImageFilter};
use image::{ImageBuffer, Pixel, Rgb, Rgba};
use serde::{Deserialize, Serialize};

use super::{PipelineError, Pixels, ThumbSpec};

/// Which code resizes: both apply Lanczos3, so thumbnails look alike, at very different costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// `fast_image_resize`: fixed-point convolution with SIMD (wasm `simd128`, or the CPU's).
    #[default]
    Simd,
    /// The `image` crate's `resize`: a plain floating-point convolution, no SIMD.
    Image,
}

impl Kernel {
    /// Every kernel, fastest first.
    pub const ALL: [Kernel; 2] = [Kernel::Simd, Kernel::Image];

    /// The id used in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Kernel::Simd => "simd",
            Kernel::Image => "image",
        }
    }

    /// Parses an [`id`](Self::id).
    pub fn from_id(id: &str) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| k.id() == id)
    }

    /// A short description for the page.
    pub fn describe(self) -> &'static str {
        match self {
            Kernel::Simd => "Lanczos3 with SIMD (fast_image_resize)",
            Kernel::Image => "Lanczos3 in plain floating point (the image crate)",
        }
    }
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

/// Resizes with Lanczos3 to fit `spec`, with the spec's kernel.
pub fn resize(src: &Pixels, spec: &ThumbSpec) -> Result<Pixels, PipelineError> {
    let (width, height) = thumbnail_size(src.width, src.height, spec.max_side);
    let data = match spec.kernel {
        Kernel::Simd => simd(src, width, height)?,
        Kernel::Image if src.alpha => plain::<Rgba<u8>>(src, width, height)?,
        Kernel::Image => plain::<Rgb<u8>>(src, width, height)?,
    };
    Ok(Pixels {
        width,
        height,
        alpha: src.alpha,
        data,
    })
}

fn simd(src: &Pixels, width: u32, height: u32) -> Result<Vec<u8>, PipelineError> {
    let mut data = vec![0; width as usize * height as usize * src.pixel_size()];
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    let mut resizer = Resizer::new();
    if src.alpha {
        simd_typed::<U8x4>(&mut resizer, src, (width, height), &mut data, &options)?;
    } else {
        simd_typed::<U8x3>(&mut resizer, src, (width, height), &mut data, &options)?;
    }
    Ok(data)
}

/// One typed call into `fast_image_resize`: its untyped `Resizer::resize` dispatches over every
/// pixel type it knows, which links all their kernels (and a 512 KiB table for 16-bit alpha)
/// into every build, page included, though a thumbnail is only ever 8-bit RGB or RGBA.
pub(super) fn simd_typed<P: PixelTrait>(
    resizer: &mut Resizer,
    src: &Pixels,
    (width, height): (u32, u32),
    dst: &mut [u8],
    options: &ResizeOptions,
) -> Result<(), PipelineError> {
    let err = |e: &dyn std::fmt::Display| PipelineError::Resize(e.to_string());
    let view =
        TypedImageRef::<P>::from_buffer(src.width, src.height, &src.data).map_err(|e| err(&e))?;
    let mut out = TypedImage::<P>::from_buffer(width, height, dst).map_err(|e| err(&e))?;
    resizer
        .resize_typed(&view, &mut out, options)
        .map_err(|e| err(&e))
}

fn plain<P: Pixel<Subpixel = u8> + 'static>(
    src: &Pixels,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, PipelineError> {
    // Borrowed, not copied: the buffer is a view on the decoded samples.
    let view: ImageBuffer<P, &[u8]> =
        ImageBuffer::from_raw(src.width, src.height, &src.data[..])
            .ok_or_else(|| PipelineError::Resize("pixel buffer does not match its size".into()))?;
    Ok(imageops::resize(&view, width, height, ImageFilter::Lanczos3).into_raw())
}
