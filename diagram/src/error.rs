//! Errors of the diagram engine: bad input objects, missing selections, rendering failures.

/// Everything that can go wrong between Kubernetes objects and a picture.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A document of a known kind does not deserialize into its Kubernetes type.
    #[error("invalid {kind} object {name:?}: {message}")]
    InvalidObject {
        /// Kubernetes kind, e.g. `Pod`.
        kind: String,
        /// `metadata.name`, or `<unnamed>`.
        name: String,
        /// What the deserializer said.
        message: String,
    },
    /// A document is not a Kubernetes object (no `kind`, or not a mapping).
    #[error("document {index} is not a Kubernetes object: {message}")]
    NotAnObject {
        /// Zero-based position of the document in the input.
        index: usize,
        /// Why it was rejected.
        message: String,
    },
    /// The selection (`--namespace`, `--name`) matches no object of the kind the diagram needs.
    #[error("no {kind} named {name:?}{}", namespace.as_ref().map(|n| format!(" in namespace {n:?}")).unwrap_or_default())]
    NotFound {
        /// Kind looked for.
        kind: &'static str,
        /// Name looked for.
        name: String,
        /// Namespace looked in, if one was given.
        namespace: Option<String>,
    },
    /// The diagram needs a selection that was not given and cannot be guessed.
    #[error("{0}")]
    Ambiguous(String),
    /// The input holds nothing to draw for this diagram kind.
    #[error("nothing to draw: the input holds no {0}")]
    Empty(&'static str),
    /// The diagram kind name is not one of topology, pod, service, ownership.
    #[error("unknown diagram kind {0:?} (expected topology, pod, service or ownership)")]
    UnknownKind(String),
    /// The language tag is not supported.
    #[error("unknown language {0:?} (expected en or zh-CN)")]
    UnknownLang(String),
    /// The export format name is not one the renderers know.
    #[error("unknown format {0:?} (expected plantuml, svg, png, mermaid, dot or url)")]
    UnknownFormat(String),
    /// A PlantUML-server link was asked for, but no server was chosen.
    #[error(
        "no PlantUML server is configured (--plantuml-server URL); none is used by default, so cluster data stays local"
    )]
    NoPlantUmlServer,
    /// PNG output was asked for with no font to draw its text.
    #[error(
        "no fonts found for PNG output; install a font such as fonts-wqy-microhei, which also draws Chinese"
    )]
    NoFonts,
    /// The SVG could not be parsed for rasterisation.
    #[error("cannot rasterise SVG: {0}")]
    Svg(String),
    /// The PNG could not be encoded.
    #[error("cannot encode PNG: {0}")]
    Png(String),
    /// The PlantUML source could not be encoded for a server link.
    #[error("cannot encode PlantUML for a server link: {0}")]
    Encoding(String),
}
