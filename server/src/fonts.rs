//! The fonts PNG exports are drawn with: the system's (setup installs
//! WenQuanYi, so Chinese labels are drawn too), loaded once per process
//! because scanning them takes longer than drawing a diagram.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use diagram::render::fontdb::Database;

/// The system's fonts, loaded on first use and shared afterwards.
pub fn system() -> Arc<Database> {
    static FONTS: OnceLock<Arc<Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut fonts = Database::new();
            fonts.load_system_fonts();
            Arc::new(fonts)
        })
        .clone()
}

/// The system's fonts and the given font files (`pilothouse diagram --font`).
pub fn system_and(files: &[PathBuf]) -> anyhow::Result<Arc<Database>> {
    if files.is_empty() {
        return Ok(system());
    }
    let mut fonts = (*system()).clone();
    for file in files {
        fonts
            .load_font_file(file)
            .with_context(|| format!("cannot load font {}", file.display()))?;
    }
    Ok(Arc::new(fonts))
}
