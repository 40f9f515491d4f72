//! Renderers: the same diagram as PlantUML (C4, like the seed), a PlantUML
//! server link, native SVG, PNG, Mermaid and Graphviz DOT.
//!
//! Every renderer escapes text for its own syntax; labels were already made
//! single-line and bounded when the model was built.

mod dot;
mod export;
mod mermaid;
mod plantuml;
mod png;
mod svg;

pub use dot::dot;
pub use export::{Format, export};
pub use mermaid::mermaid;
pub use plantuml::{plantuml, plantuml_url};
pub use png::{font_database, png};
pub use resvg::usvg::fontdb;
pub use svg::{LinkFn, svg, svg_linked, svg_with_layout};

use crate::model::{Role, State};

/// Fill colour of an element (C4 defaults, the seed's red master and green worker).
pub(crate) fn fill(role: Role, state: State) -> &'static str {
    match (role, state) {
        (Role::Master | Role::ManagedControlPlane, _) => "#FF0000",
        (Role::Worker, _) => "#008000",
        (_, State::Failed) => "#C62828",
        (_, State::Pending) => "#E68A00",
        (_, State::Done) => "#8A8A8A",
        (Role::InitContainer, _) => "#6A4FA3",
        (Role::Volume | Role::Network, _) => "#1168BD",
        (Role::Component, _) => "#2E6DA4",
        (Role::Ingress | Role::Service | Role::EndpointSlice, _) => "#23809B",
        (Role::Workload | Role::ReplicaSet, _) => "#3B5998",
        _ => "#438DD5",
    }
}
