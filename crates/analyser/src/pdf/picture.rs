//! A chart's picture as the PDF image it is written as, compressed when the chart is placed:
//! a report then holds each chart's few tens of kilobytes rather than its pixels (about 2 MB
//! at 200 dpi) until it is written, so a month of many sources fits a small machine.

use std::collections::BTreeMap;

use printpdf::{DictItem, ExternalStream, ExternalXObject, Px};

use crate::charts::{ChartImage, DPI};

/// `chart`'s pixels as an 8-bit RGB image XObject, deflated as printpdf deflates the pictures
/// it is given whole (the same stream in the file).
pub fn compressed(chart: &ChartImage) -> ExternalXObject {
    let name = |name: &str| DictItem::Name(name.as_bytes().to_vec());
    let dict = BTreeMap::from([
        ("Type".to_owned(), name("XObject")),
        ("Subtype".to_owned(), name("Image")),
        ("Width".to_owned(), DictItem::Int(i64::from(chart.width))),
        ("Height".to_owned(), DictItem::Int(i64::from(chart.height))),
        ("BitsPerComponent".to_owned(), DictItem::Int(8)),
        ("ColorSpace".to_owned(), name("DeviceRGB")),
        ("Filter".to_owned(), name("FlateDecode")),
    ]);
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content: deflated(&chart.rgb),
            // Deflated already.
            compress: false,
        },
        width: Some(Px(chart.width as usize)),
        height: Some(Px(chart.height as usize)),
        dpi: Some(DPI),
    }
}

/// `bytes` as a zlib stream (`FlateDecode`), at zlib's default level.
fn deflated(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_inflates_back_to_its_pixels() {
        let chart = ChartImage {
            rgb: (0..30_000u32).map(|n| (n % 251) as u8).collect(),
            width: 100,
            height: 100,
            words: Vec::new(),
        };
        let picture = compressed(&chart);
        let pixels = miniz_oxide::inflate::decompress_to_vec_zlib(&picture.stream.content)
            .expect("a zlib stream");
        assert_eq!(pixels, chart.rgb);
        assert_eq!(picture.width, Some(Px(100)));
    }
}
