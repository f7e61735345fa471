//! PNG encoding band by band: a thumbnail at maximum compression can take several hundred
//! milliseconds, and a run must be able to stop (or, for cooperative tasks, give way) inside
//! that stage, not only after it.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use super::{Effort, PipelineError, Pixels, Thumbnail};

/// Raw bytes of pixel rows encoded per band: a few milliseconds of work at maximum
/// compression, so a cancel is heard well within a frame budget of 100 ms.
pub const BAND_BYTES: usize = 64 * 1024;

/// A PNG encode in progress, advanced one band of rows at a time by [`Encoding::step`].
///
/// The output is the same whatever the band size: rows go through one deflate stream with no
/// flush between bands.
pub struct Encoding<'a> {
    rows: std::slice::Chunks<'a, u8>,
    writer: png::StreamWriter<'static, Sink>,
    out: Sink,
    width: u32,
    height: u32,
}

/// The PNG bytes, shared with the stream writer (which owns its output and never hands it back).
#[derive(Clone, Default)]
struct Sink(Rc<RefCell<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> Encoding<'a> {
    /// Starts encoding `px`, compressed as hard as `effort` says, a band of [`BAND_BYTES`] of
    /// rows per step.
    pub fn new(px: &'a Pixels, effort: Effort) -> Result<Encoding<'a>, PipelineError> {
        let row = px.width as usize * px.pixel_size();
        Encoding::with_rows(px, effort, (BAND_BYTES / row.max(1)).max(1))
    }

    /// Starts encoding `px`, `rows` rows per step (at least 1): the PNG is the same whatever
    /// the step.
    pub fn with_rows(
        px: &'a Pixels,
        effort: Effort,
        rows: usize,
    ) -> Result<Encoding<'a>, PipelineError> {
        let row = px.width as usize * px.pixel_size();
        if row == 0 || px.data.len() != row * px.height as usize {
            return Err(PipelineError::Encode(format!(
                "{} bytes do not make a {}×{} image",
                px.data.len(),
                px.width,
                px.height
            )));
        }
        let out = Sink::default();
        let mut encoder = png::Encoder::new(out.clone(), px.width, px.height);
        encoder.set_color(if px.alpha {
            png::ColorType::Rgba
        } else {
            png::ColorType::Rgb
        });
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(match effort {
            Effort::Fast => png::Compression::Fast,
            Effort::Balanced => png::Compression::Balanced,
            Effort::Max => png::Compression::High,
        });
        encoder.set_filter(png::Filter::Adaptive);
        let writer = encoder
            .write_header()
            .and_then(png::Writer::into_stream_writer)
            .map_err(encode_error)?;
        Ok(Encoding {
            rows: px.data.chunks(rows.max(1) * row),
            writer,
            out,
            width: px.width,
            height: px.height,
        })
    }

    /// Encodes the next band; `Ok(true)` once every row is in.
    pub fn step(&mut self) -> Result<bool, PipelineError> {
        match self.rows.next() {
            Some(band) => {
                self.writer.write_all(band).map_err(encode_error)?;
                Ok(self.rows.len() == 0)
            }
            None => Ok(true),
        }
    }

    /// Ends the stream (the rest of the rows first, if any): the thumbnail.
    pub fn finish(mut self) -> Result<Thumbnail, PipelineError> {
        while !self.step()? {}
        self.writer.finish().map_err(encode_error)?;
        Ok(Thumbnail {
            width: self.width,
            height: self.height,
            png: self.out.0.take(),
        })
    }
}

fn encode_error(e: impl std::fmt::Display) -> PipelineError {
    PipelineError::Encode(e.to_string())
}

/// Encodes pixels as PNG in one go, compressed as hard as `effort` says.
pub fn encode(px: &Pixels, effort: Effort) -> Result<Thumbnail, PipelineError> {
    Encoding::new(px, effort)?.finish()
}
