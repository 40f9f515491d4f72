//! PNG from the native SVG, rasterised by resvg.
//!
//! The crate reads no files, so the caller supplies the fonts: either a
//! [`fontdb::Database`] it filled (the CLI calls `load_system_fonts()`), or
//! font file bytes through [`font_database`]. Give it a CJK-capable font
//! (e.g. WenQuanYi Micro Hei) so Chinese labels do not come out as boxes.

use std::sync::Arc;

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use crate::Error;

/// A font database holding the given font files (TTF, OTF or TTC bytes),
/// with the first family as the default sans-serif.
pub fn font_database(font_files: impl IntoIterator<Item = Vec<u8>>) -> fontdb::Database {
    let mut db = fontdb::Database::new();
    for bytes in font_files {
        db.load_font_data(bytes);
    }
    let first = db
        .faces()
        .next()
        .and_then(|f| f.families.first())
        .map(|(name, _)| name.clone());
    if let Some(family) = first {
        db.set_sans_serif_family(family);
    }
    db
}

/// Rasterises `svg` at `scale` (1.0 = one pixel per SVG unit) with `fonts`.
pub fn png(svg: &str, fonts: Arc<fontdb::Database>, scale: f32) -> Result<Vec<u8>, Error> {
    let options = usvg::Options {
        fontdb: fonts,
        font_family: "sans-serif".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| Error::Svg(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| Error::Png(format!("cannot scale {:?} by {scale}", tree.size())))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        Error::Png(format!(
            "image too large: {}×{}",
            size.width(),
            size.height()
        ))
    })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| Error::Png(e.to_string()))
}
