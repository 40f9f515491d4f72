//! One diagram in any export format, by name: what the command line's
//! `--format` and the web API's `format=` both mean, so the two cannot
//! drift apart (same names, same bytes, same file extensions).
//!
//! The crate still reads no files: PNG output asks its caller for the
//! fonts, and only when a PNG is wanted.

use std::str::FromStr;
use std::sync::Arc;

use super::fontdb;
use crate::{Diagram, Error};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// PlantUML source in the C4 style of the seed document.
    PlantUml,
    /// Native SVG.
    Svg,
    /// PNG rasterised from the SVG with the caller's fonts.
    Png,
    /// Mermaid flowchart.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// A link to a PlantUML server that renders the diagram.
    Url,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 6] = [
        Format::PlantUml,
        Format::Svg,
        Format::Png,
        Format::Mermaid,
        Format::Dot,
        Format::Url,
    ];

    /// The file extension of a saved export.
    pub fn extension(self) -> &'static str {
        match self {
            Format::PlantUml => "puml",
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
            Format::Url => "txt",
        }
    }

    /// The media type of the exported bytes.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
            _ => "text/plain; charset=utf-8",
        }
    }
}

impl FromStr for Format {
    type Err = Error;

    /// The format's name or its extension; empty means PlantUML, the
    /// seed's own notation.
    fn from_str(text: &str) -> Result<Self, Error> {
        Ok(match text {
            "" | "plantuml" | "puml" => Format::PlantUml,
            "svg" => Format::Svg,
            "png" => Format::Png,
            "mermaid" | "mmd" => Format::Mermaid,
            "dot" => Format::Dot,
            "url" => Format::Url,
            other => return Err(Error::UnknownFormat(other.to_string())),
        })
    }
}

/// The diagram's bytes in `format`.
///
/// `plantuml_server` is the base URL links point at; there is no default,
/// so a cluster's names never leave the machine unless someone chose a
/// server. `fonts` is called only for PNG output; an empty database is
/// refused rather than drawing every label as blank boxes.
pub fn export(
    drawn: &Diagram,
    format: Format,
    plantuml_server: Option<&str>,
    fonts: impl FnOnce() -> Arc<fontdb::Database>,
) -> Result<Vec<u8>, Error> {
    Ok(match format {
        Format::PlantUml => super::plantuml(drawn).into_bytes(),
        Format::Svg => super::svg(drawn).into_bytes(),
        Format::Mermaid => super::mermaid(drawn).into_bytes(),
        Format::Dot => super::dot(drawn).into_bytes(),
        Format::Url => {
            let server = plantuml_server.ok_or(Error::NoPlantUmlServer)?;
            format!("{}\n", super::plantuml_url(drawn, server)?).into_bytes()
        }
        Format::Png => {
            let fonts = fonts();
            if fonts.is_empty() {
                return Err(Error::NoFonts);
            }
            super::png(&super::svg(drawn), fonts, 1.0)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name_or_extension() {
        assert_eq!("".parse::<Format>().unwrap(), Format::PlantUml);
        assert_eq!("puml".parse::<Format>().unwrap(), Format::PlantUml);
        assert_eq!("mmd".parse::<Format>().unwrap(), Format::Mermaid);
        for format in Format::ALL {
            assert_eq!(format.extension().parse::<Format>().ok(), {
                // `txt` names no format: a link is asked for as `url`.
                (format != Format::Url).then_some(format)
            });
        }
        assert!(matches!(
            "exe".parse::<Format>(),
            Err(Error::UnknownFormat(name)) if name == "exe"
        ));
    }

    #[test]
    fn a_link_needs_a_server_and_a_png_needs_fonts() {
        let objects = crate::ClusterObjects::from_values(vec![serde_json::json!({
            "apiVersion": "v1", "kind": "Node", "metadata": {"name": "cp-1"}
        })])
        .unwrap();
        let d = crate::topology(&objects, &crate::Options::default()).unwrap();
        assert!(matches!(
            export(&d, Format::Url, None, || unreachable!()),
            Err(Error::NoPlantUmlServer)
        ));
        assert!(matches!(
            export(&d, Format::Png, None, || Arc::new(fontdb::Database::new())),
            Err(Error::NoFonts)
        ));
        let link = export(
            &d,
            Format::Url,
            Some("https://puml.example"),
            || unreachable!(),
        )
        .unwrap();
        assert!(
            String::from_utf8(link)
                .unwrap()
                .starts_with("https://puml.example/")
        );
    }
}
