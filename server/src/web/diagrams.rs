//! `GET /api/v1/clusters/{cluster}/diagrams/{kind}`: a diagram of a live
//! cluster in any export format, as the pages' export links download it —
//! the same sign-in (the session guard), the same authorisation (the
//! gateway draws only what the user may list), and a filename in
//! `Content-Disposition`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;

use app::server_fns::diagram::expand_list;
use app::ssr::AuthenticatedUser;
use diagram::render::{self, Format};
use gateway::GatewayError;
use gateway::diagram_query::DiagramQuery;

use super::api::{status, subject};
use crate::state::AppState;

/// The routes of the diagram API (mounted inside the session guard).
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/clusters/{cluster}/diagrams/{kind}", get(diagram))
}

/// The query string: which objects, which format, which language.
#[derive(Debug, Default, Deserialize)]
struct DiagramParams {
    namespace: Option<String>,
    name: Option<String>,
    /// `plantuml` (the default), `svg`, `png`, `mermaid`, `dot`, or `url`
    /// (a PlantUML-server link, when one is configured).
    format: Option<String>,
    /// `en` (the default) or `zh-CN`.
    lang: Option<String>,
    /// Node groups drawn node by node, comma-separated.
    #[serde(default)]
    expand: String,
}

async fn diagram(
    State(state): State<AppState>,
    Extension(user): Extension<AuthenticatedUser>,
    Path((cluster, kind)): Path<(String, String)>,
    params: Result<Query<DiagramParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return status(&GatewayError::BadRequest(
            "malformed diagram parameters".into(),
        ));
    };
    let format = match params
        .format
        .as_deref()
        .unwrap_or_default()
        .parse::<Format>()
    {
        Ok(format) => format,
        Err(err) => return status(&GatewayError::BadRequest(err.to_string())),
    };
    let query = DiagramQuery {
        kind,
        namespace: params.namespace.clone().filter(|n| !n.is_empty()),
        name: params.name.clone().filter(|n| !n.is_empty()),
        expand: expand_list(&params.expand),
        lang: params.lang.clone().unwrap_or_default(),
    };
    let drawn = match state
        .gateway
        .diagram(&subject(&user), &cluster, &query)
        .await
    {
        Ok(drawn) => drawn,
        Err(err) => return status(&err),
    };
    let body = match export(drawn, format, state.config.plantuml_server.clone()).await {
        Ok(body) => body,
        Err(err) => return status(&err),
    };
    let filename = filename(&cluster, &query, format);
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// The diagram's bytes in `format`, drawn off the async threads: a large
/// topology takes a while to lay out and rasterise.
async fn export(
    drawn: diagram::Diagram,
    format: Format,
    plantuml_server: Option<String>,
) -> Result<Vec<u8>, GatewayError> {
    tokio::task::spawn_blocking(move || {
        render::export(
            &drawn,
            format,
            plantuml_server.as_deref(),
            crate::fonts::system,
        )
    })
    .await
    .map_err(|e| GatewayError::BadRequest(e.to_string()))?
    .map_err(|e| GatewayError::BadRequest(e.to_string()))
}

/// `{cluster}-{kind}[-{namespace}][-{name}].{ext}`, with anything but
/// letters, digits, `.`, `_` and `-` replaced, so the header stays plain.
fn filename(cluster: &str, query: &DiagramQuery, format: Format) -> String {
    let mut parts = vec![cluster, query.kind.as_str()];
    parts.extend(query.namespace.as_deref());
    parts.extend(query.name.as_deref());
    let stem: String = parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    format!("{stem}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_stay_plain() {
        let query = DiagramQuery {
            kind: "pod".into(),
            namespace: Some("demo".into()),
            name: Some("a\"b\r\n<x>".into()),
            ..DiagramQuery::default()
        };
        assert_eq!(
            filename("embedded", &query, Format::Svg),
            "embedded-pod-demo-a_b___x_.svg"
        );
    }
}
