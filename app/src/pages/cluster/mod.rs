//! The pages of one cluster: its Overview, the list of any kind, the
//! detail of any object and the list of every kind. URLs carry the cluster
//! (`/c/{cluster}/…`), so a link to a page or an object can be shared.

pub mod detail;
pub mod kinds;
pub mod list;
pub mod overview;
pub mod pod_anatomy;
pub mod topology;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The Overview of `cluster`.
pub fn overview_path(cluster: &str) -> String {
    format!("/c/{}/overview", encode(cluster))
}

/// The list of `kind` (a slug: `pods`, `deployments.apps`) in `cluster`.
pub fn list_path(cluster: &str, kind: &str) -> String {
    format!("/c/{}/k/{}", encode(cluster), encode(kind))
}

/// The detail page of one object; `-` stands for no namespace.
pub fn detail_path(cluster: &str, kind: &str, namespace: Option<&str>, name: &str) -> String {
    format!(
        "/c/{}/k/{}/{}/{}",
        encode(cluster),
        encode(kind),
        encode(namespace.unwrap_or("-")),
        encode(name)
    )
}

/// The page listing every kind of `cluster`.
pub fn kinds_path(cluster: &str) -> String {
    format!("/c/{}/kinds", encode(cluster))
}

/// Percent-encodes a path segment.
pub fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A route parameter of the current page, empty when missing.
pub fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

/// The page's data once loaded: `render(data)`, a loading line before it
/// arrives (kept while reloading), the error panel if it failed.
pub fn loaded<T, V>(
    data: Resource<Result<T, ServerFnError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">{crate::tr(crate::i18n::Key::Loading)}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(err) => view! { <LoadError message=err.to_string() /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The error panel of a page whose data could not be loaded.
#[component]
pub fn LoadError(message: String) -> impl IntoView {
    view! {
        <div class="error-panel" role="alert" data-testid="load-error">
            <h2>{crate::tr(crate::i18n::Key::ErrorTitle)}</h2>
            <p>{message}</p>
        </div>
    }
}
