//! The resize stage in horizontal strips of the thumbnail, so that a task can give way inside it
//! (cooperative tasks, or a thread handing over the global lock).
//!
//! Each strip is its own call to `fast_image_resize`, cropped to the source rows that strip
//! maps to: the filter still reads the rows around the crop, so the strips put together are the
//! whole resize, byte for byte. What the cut costs is real and shows in the trace: each strip
//! convolves horizontally the source rows its filter reaches, and neighbouring strips share
//! those (about 2 × 3 × scale rows of Lanczos3 per cut). The plain kernel has no crop: it
//! resizes whole, in the first step.

use fast_image_resize::images::{TypedImage, TypedImageRef};
use fast_image_resize::pixels::{U8x3, U8x4};
use fast_image_resize::{FilterType, MulDiv, ResizeAlg, ResizeOptions, Resizer};

use super::resize::{resize, simd_typed, thumbnail_size, Kernel};
use super::{PipelineError, Pixels, ThumbSpec};

/// A resize in progress, advanced a strip at a time by [`Resizing::step`].
pub struct Resizing<'a> {
    src: &'a Pixels,
    spec: ThumbSpec,
    width: u32,
    height: u32,
    /// Thumbnail rows per strip.
    rows: u32,
    /// Rows done so far.
    done: u32,
    data: Vec<u8>,
    resizer: Resizer,
    /// The source with its colours multiplied by alpha, once (as a whole resize does), so that
    /// strips do not each premultiply the whole source again.
    premultiplied: Option<Pixels>,
    /// A whole resize by the plain kernel, made in the first step.
    whole: Option<Pixels>,
}

fn err(e: impl std::fmt::Display) -> PipelineError {
    PipelineError::Resize(e.to_string())
}

impl<'a> Resizing<'a> {
    /// Starts resizing `src` to fit `spec`, `rows` thumbnail rows per step (at least 1).
    pub fn new(src: &'a Pixels, spec: &ThumbSpec, rows: usize) -> Resizing<'a> {
        let (width, height) = thumbnail_size(src.width, src.height, spec.max_side);
        Resizing {
            src,
            spec: *spec,
            width,
            height,
            rows: rows.clamp(1, u32::MAX as usize) as u32,
            done: 0,
            data: Vec::new(),
            resizer: Resizer::new(),
            premultiplied: None,
            whole: None,
        }
    }

    /// The size of the thumbnail.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Resizes the next strip; `Ok(true)` once every row is done.
    pub fn step(&mut self) -> Result<bool, PipelineError> {
        if self.spec.kernel == Kernel::Image {
            if self.whole.is_none() {
                self.whole = Some(resize(self.src, &self.spec)?);
            }
            return Ok(true);
        }
        if self.done >= self.height {
            return Ok(true);
        }
        let row_bytes = self.width as usize * self.src.pixel_size();
        if self.data.is_empty() {
            self.data = vec![0; row_bytes * self.height as usize];
        }
        if self.src.alpha && self.premultiplied.is_none() {
            self.premultiplied = Some(premultiply(self.src)?);
        }
        let (y0, y1) = (self.done, (self.done + self.rows).min(self.height));
        // The source rows that thumbnail rows y0..y1 map to, fractions kept.
        let scale = f64::from(self.src.height) / f64::from(self.height);
        let top = f64::from(y0) * scale;
        let bottom = (f64::from(y1) * scale).min(f64::from(self.src.height));
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
            .crop(0.0, top, f64::from(self.src.width), bottom - top)
            .use_alpha(false);
        let strip = &mut self.data[y0 as usize * row_bytes..y1 as usize * row_bytes];
        let size = (self.width, y1 - y0);
        match &self.premultiplied {
            Some(pre) => {
                simd_typed::<U8x4>(&mut self.resizer, pre, size, strip, &options)?;
                let mut dst =
                    TypedImage::<U8x4>::from_buffer(size.0, size.1, strip).map_err(err)?;
                MulDiv::new()
                    .divide_alpha_inplace_typed(&mut dst)
                    .map_err(err)?;
            }
            None => simd_typed::<U8x3>(&mut self.resizer, self.src, size, strip, &options)?,
        }
        self.done = y1;
        Ok(self.done >= self.height)
    }

    /// The thumbnail's pixels (the rest of the strips first, if any).
    pub fn finish(mut self) -> Result<Pixels, PipelineError> {
        while !self.step()? {}
        if let Some(whole) = self.whole {
            return Ok(whole);
        }
        Ok(Pixels {
            width: self.width,
            height: self.height,
            alpha: self.src.alpha,
            data: self.data,
        })
    }
}

/// The source with its colours multiplied by alpha, as a whole resize does first.
fn premultiply(src: &Pixels) -> Result<Pixels, PipelineError> {
    let view = TypedImageRef::<U8x4>::from_buffer(src.width, src.height, &src.data).map_err(err)?;
    let mut data = vec![0; src.data.len()];
    let mut pre = TypedImage::<U8x4>::from_buffer(src.width, src.height, &mut data).map_err(err)?;
    MulDiv::new()
        .multiply_alpha_typed(&view, &mut pre)
        .map_err(err)?;
    Ok(Pixels {
        width: src.width,
        height: src.height,
        alpha: true,
        data,
    })
}
