//! The diagrams a page draws: the server builds them from the gateway
//! (authorised for the signed-in user) and sends finished SVG.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A diagram as a page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagramView {
    /// Inline SVG, its boxes linked to their objects' pages.
    pub svg: String,
    /// The diagram in a PlantUML server, when one is configured.
    pub plantuml_link: Option<String>,
}

/// Splits a comma-separated `expand` parameter.
pub fn expand_list(expand: &str) -> Vec<String> {
    expand
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One diagram of `cluster`. Arguments are flat so the request stays a
/// plain form: `kind` (`topology`, `pod`, `service`, `ownership`), an
/// optional namespace and name, the node groups to `expand`
/// (comma-separated) and the diagram's language.
#[server(prefix = "/api", endpoint = "cluster/diagram")]
pub async fn get_diagram(
    cluster: String,
    kind: String,
    namespace: String,
    name: String,
    expand: String,
    lang: String,
) -> Result<DiagramView, ServerFnError> {
    use super::cluster::server;
    use gateway::diagram_query::DiagramQuery;
    let (gateway, subject) = server::context().await?;
    let query = DiagramQuery {
        kind,
        namespace: (!namespace.is_empty() && namespace != "-").then_some(namespace),
        name: (!name.is_empty()).then_some(name),
        expand: expand_list(&expand),
        lang,
    };
    let diagram = gateway
        .diagram(&subject, &cluster, &query)
        .await
        .map_err(server::fail)?;
    let services = crate::ssr::services()?;
    let plantuml_link = services
        .plantuml_server
        .as_deref()
        .and_then(|s| diagram::render::plantuml_url(&diagram, s).ok());
    Ok(DiagramView {
        svg: crate::diagram_svg::page_svg(&cluster, &diagram, &query.expand),
        plantuml_link,
    })
}
