//! Part of `cargo xtask bench levers`: the JPEG decoders on the sample photos for the peers
//! benchmark's 256 px thumbnail, natively, CPU time per image — the pipeline's jpeg-decoder
//! with DCT scaling (shrink-on-load), the same decoder at full size, and zune-jpeg (the image
//! crate's JPEG decoder) at full size, each followed by the same SIMD resize.

use interleave::pipeline::{decode, resize, Effort, Kernel, Pixels, ThumbSpec};

use crate::levers::measure;
use crate::util::Result;

const SIDE: u32 = 256;

/// One decoder: its name, what size it decodes at, and the decode.
type Decoder = (&'static str, &'static str, fn(&[u8]) -> Result<Pixels>);

fn scaled(bytes: &[u8]) -> Result<Pixels> {
    Ok(decode(bytes, &spec())?)
}

fn jpeg_decoder_full(bytes: &[u8]) -> Result<Pixels> {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    let data = d.decode()?;
    let info = d.info().ok_or("no frame header")?;
    rgb(u32::from(info.width), u32::from(info.height), data)
}

fn zune_full(bytes: &[u8]) -> Result<Pixels> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)?.into_rgb8();
    rgb(img.width(), img.height(), img.into_raw())
}

fn rgb(width: u32, height: u32, data: Vec<u8>) -> Result<Pixels> {
    if data.len() != width as usize * height as usize * 3 {
        return Err(format!("{} bytes for {width}×{height} RGB", data.len()).into());
    }
    Ok(Pixels {
        width,
        height,
        alpha: false,
        data,
    })
}

fn spec() -> ThumbSpec {
    ThumbSpec {
        max_side: SIDE,
        effort: Effort::Fast,
        kernel: Kernel::Simd,
    }
}

/// Prints the table.
pub fn native(photos: &[Vec<u8>]) -> Result {
    println!("\nJPEG decoders for a {SIDE} px thumbnail (then the same SIMD Lanczos3 resize):\n");
    println!("| decoder | decodes at | decode, CPU ms / image | decode + resize, CPU ms / image | × the pipeline's |");
    println!("|---|---|---:|---:|---:|");
    let decoders: [Decoder; 3] = [
        (
            "jpeg-decoder, DCT-scaled (the pipeline)",
            "1/4 (500 px)",
            scaled,
        ),
        ("jpeg-decoder", "full size", jpeg_decoder_full),
        ("zune-jpeg (the image crate's)", "full size", zune_full),
    ];
    let mut first = None;
    for (name, size, decoder) in decoders {
        // Every photo must decode, to the pipeline's size or the full one.
        for p in photos {
            decoder(p)?;
        }
        let (cpu, _) = measure(photos, |p| decoder(p))?;
        let (both, _) = measure(photos, |p| decoder(p).map(|px| resize(&px, &spec())))?;
        let base = *first.get_or_insert(both);
        println!(
            "| {name} | {size} | {cpu:.1} | {both:.1} | {:.2} |",
            both / base
        );
    }
    Ok(())
}
