//! Unit tests of the pipeline stages.

use super::*;
use crate::images::{sample_jpeg, SampleSpec};
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};

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
    let thumb = ThumbSpec::fit(64);
    // Shrink-on-load: 640×480 for a 64 px thumbnail decodes at 1/8, 80×60.
    let px = decode(&sample_jpeg(&spec, 0), &thumb).unwrap();
    assert_eq!((px.width, px.height, px.alpha), (80, 60, false));
    let full = decode(&sample_jpeg(&spec, 0), &ThumbSpec::fit(4096)).unwrap();
    assert_eq!((full.width, full.height), (640, 480));
    let small = resize(&px, &thumb).unwrap();
    assert_eq!((small.width, small.height), (64, 48));
    let thumb = encode(&small, Effort::Fast).unwrap();
    let back = image::load_from_memory(&thumb.png).unwrap();
    assert_eq!((back.width(), back.height()), (64, 48));
}

#[test]
fn corrupt_and_truncated_inputs_are_plain_errors() {
    let t = ThumbSpec::fit(64);
    assert_eq!(
        decode(b"not an image", &t),
        Err(PipelineError::NotAnImage(Looks::Text))
    );
    let spec = SampleSpec {
        seed: 1,
        count: 1,
        width: 64,
        height: 64,
    };
    // Cut inside the headers, and inside the entropy-coded data (which the decoder alone
    // would fill with grey).
    let jpeg = sample_jpeg(&spec, 0);
    for cut in [40, jpeg.len() / 2, jpeg.len() - 2] {
        let e = decode(&jpeg[..cut], &t).unwrap_err();
        assert!(matches!(e, PipelineError::Truncated { .. }), "{cut}: {e:#}");
        assert_eq!(e.to_string(), "truncated JPEG (the file ends too early)");
        assert!(format!("{e:#}").starts_with("truncated JPEG (the file ends too early) ("));
    }
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&[7u8; 64 * 64 * 3], 64, 64, ExtendedColorType::Rgb8)
        .unwrap();
    let e = decode(&png[..png.len() - 20], &t).unwrap_err();
    assert!(matches!(e, PipelineError::Truncated { .. }), "{e:#}");
}

#[test]
fn probe_reads_headers_only() {
    let spec = SampleSpec {
        seed: 1,
        count: 1,
        width: 64,
        height: 48,
    };
    let jpeg = sample_jpeg(&spec, 0);
    // The headers end well before the image data does.
    let info = probe(&jpeg[..jpeg.len() / 2]).unwrap();
    assert_eq!(
        (info.format, info.width, info.height),
        (Format::Jpeg, 64, 48)
    );
    assert_eq!(probe(b""), Err(PipelineError::Empty));
    assert_eq!(
        probe(b"<!DOCTYPE html><html><body>404</body></html>"),
        Err(PipelineError::NotAnImage(Looks::Html))
    );
}

#[test]
fn sizes_over_the_limits_are_refused_in_words() {
    let over = ImageInfo {
        format: Format::Png,
        width: 37_500,
        height: 37_500,
    };
    assert_eq!(
        over.check_limits().unwrap_err().to_string(),
        "37\u{a0}500 × 37\u{a0}500 pixels is over the limit of 50 megapixels per image"
    );
    let long = ImageInfo {
        width: 20_000,
        height: 100,
        ..over
    };
    assert_eq!(
        long.check_limits().unwrap_err().to_string(),
        "20\u{a0}000 × 100 pixels is over the limit of 16\u{a0}384 pixels per side"
    );
    let fine = ImageInfo {
        width: 10_000,
        height: 1,
        ..over
    };
    assert_eq!(fine.check_limits(), Ok(()));
}

#[test]
fn rgba_pngs_keep_their_alpha() {
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&[255u8; 40 * 20 * 4], 40, 20, ExtendedColorType::Rgba8)
        .unwrap();
    let px = decode(&png, &ThumbSpec::fit(10)).unwrap();
    assert!(px.alpha);
    let thumb = encode(&resize(&px, &ThumbSpec::fit(10)).unwrap(), Effort::Fast).unwrap();
    assert_eq!((thumb.width, thumb.height), (10, 5));
}

#[test]
fn every_effort_is_lossless_and_more_effort_is_no_larger() {
    let spec = SampleSpec {
        seed: 1,
        count: 1,
        width: 640,
        height: 480,
    };
    let px = decode(&sample_jpeg(&spec, 0), &ThumbSpec::fit(256)).unwrap();
    let small = resize(&px, &ThumbSpec::fit(256)).unwrap();
    let sizes: Vec<usize> = Effort::ALL
        .iter()
        .map(|&effort| {
            let thumb = encode(&small, effort).unwrap();
            let back = image::load_from_memory(&thumb.png).unwrap().into_rgb8();
            assert_eq!(back.into_raw(), small.data, "{effort:?} changed the pixels");
            thumb.png.len()
        })
        .collect();
    assert!(sizes.windows(2).all(|w| w[1] <= w[0]), "sizes {sizes:?}");
    assert!(sizes[2] < sizes[0], "max effort saved nothing: {sizes:?}");
    for effort in Effort::ALL {
        assert_eq!(Effort::from_id(effort.id()), Some(effort));
    }
}

#[test]
fn both_kernels_make_the_same_size_and_a_close_picture() {
    let spec = SampleSpec {
        seed: 3,
        count: 1,
        width: 640,
        height: 480,
    };
    let px = decode(&sample_jpeg(&spec, 0), &ThumbSpec::fit(1024)).unwrap();
    let [simd, plain] = Kernel::ALL.map(|kernel| {
        let spec = ThumbSpec {
            kernel,
            ..ThumbSpec::fit(200)
        };
        resize(&px, &spec).unwrap()
    });
    assert_eq!((simd.width, simd.height), (200, 150));
    assert_eq!((plain.width, plain.height), (200, 150));
    assert_ne!(simd.data, plain.data, "two different implementations");
    // Same filter: they differ by rounding, not by picture.
    let mean_diff = simd
        .data
        .iter()
        .zip(&plain.data)
        .map(|(a, b)| f64::from(a.abs_diff(*b)))
        .sum::<f64>()
        / simd.data.len() as f64;
    assert!(mean_diff < 2.0, "mean difference {mean_diff}");
}
