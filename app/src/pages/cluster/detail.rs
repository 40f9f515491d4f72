//! The detail page of any object: summary, status and conditions, labels
//! and annotations, the inside of a pod, related objects, events, and the
//! object as read-only YAML (without managedFields; a Secret's values
//! redacted on the server). Refreshed live when the object changes.

use leptos::prelude::*;
use serde_json::Value;

use gateway::detail::ObjectDetail;
use gateway::diagram_query::DiagramQuery;
use gateway::row::Row;

use super::pod_anatomy::PodAnatomy;
use super::{detail_path, list_path, loaded, param};
use crate::components::age::age;
use crate::components::diagram_panel::DiagramPanel;
use crate::components::stream_notice::StreamNotice;
use crate::i18n::Key;
use crate::server_fns::cluster::get_object_detail;
use crate::tr;

/// `/c/{cluster}/k/{kind}/{namespace}/{name}`.
#[component]
pub fn ObjectPage() -> impl IntoView {
    let (cluster, kind, namespace, name) = (
        param("cluster"),
        param("kind"),
        param("namespace"),
        param("name"),
    );
    let version = RwSignal::new(0u64);
    let args = move || (cluster(), kind(), namespace(), name(), version.get());
    let data = Resource::new(args, |(c, k, ns, n, _)| get_object_detail(c, k, ns, n));
    untrack(|| follow_changes(cluster(), kind(), namespace(), name(), version));
    view! {
        <section class="page detail-page" data-testid="detail-page">
            <p class="breadcrumb">
                <a href=move || list_path(&cluster(), &kind())>{tr(Key::BackToList)}</a>
            </p>
            <StreamNotice />
            {loaded(data, |detail| view! { <DetailHead detail=detail /> })}
            // Outside the reloaded parts: the diagram follows the cluster on
            // its own live subscription and is not built again at each reload.
            {move || diagram_of(&kind()).map(|diagram| {
                let query = DiagramQuery {
                    kind: diagram.to_owned(),
                    namespace: Some(namespace()).filter(|ns| ns != "-"),
                    name: Some(name()),
                    ..DiagramQuery::default()
                };
                view! { <DiagramPanel cluster=cluster() query=query /> }
            })}
            {loaded(data, move |detail| view! { <DetailBody detail=detail cluster=cluster() /> })}
        </section>
    }
}

/// The object's name, kind and summary.
#[component]
fn DetailHead(detail: ObjectDetail) -> impl IntoView {
    let view_ = detail.view;
    let row = view_.row.clone().unwrap_or_default();
    let is_secret = view_.kind.kind == "Secret" && view_.kind.key.group.is_empty();
    let created = view_.object["metadata"]["creationTimestamp"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    view! {
        <h1 data-testid="object-name">{row.name.clone()}</h1>
        <p class="lead">{view_.kind.kind.clone()} {row.namespace.clone().map(|ns| format!(" · {ns}"))}</p>
        <section class="panel" data-testid="summary">
            <h2>{tr(Key::DetailSummary)}</h2>
            <dl>
                <dt>{tr(Key::DetailKind)}</dt>
                <dd>{format!("{} ({})", view_.kind.kind, view_.kind.key.slug())}</dd>
                <dt>{tr(Key::DetailStatus)}</dt>
                <dd data-testid="object-status" data-health=format!("{:?}", row.health).to_lowercase()>{row.status.clone()}</dd>
                <dt>{tr(Key::DetailCreated)}</dt>
                <dd>{format!("{} ({created})", age(detail.now_ms, row.created))}</dd>
            </dl>
        </section>
        {is_secret.then(|| view! { <p class="notice">{tr(Key::SecretValuesHidden)}</p> })}
    }
}

/// Everything below the summary and the diagram.
#[component]
fn DetailBody(detail: ObjectDetail, cluster: String) -> impl IntoView {
    let view_ = detail.view;
    let row = view_.row.clone().unwrap_or_default();
    let object = view_.object.clone();
    let is_pod = view_.kind.kind == "Pod" && view_.kind.key.group.is_empty();
    view! {
        {is_pod.then(|| view! { <PodAnatomy pod=object.clone() cluster=cluster.clone() /> })}
        <Conditions row=row.clone() />
        <KeyValues title=Key::DetailLabels values=object["metadata"]["labels"].clone() testid="labels" />
        <KeyValues title=Key::DetailAnnotations values=object["metadata"]["annotations"].clone() testid="annotations" />
        <Related detail_related=detail.related cluster=cluster.clone() is_pod=is_pod />
        <Events events=detail.events now_ms=detail.now_ms />
        <section class="panel">
            <h2>{tr(Key::DetailYaml)}</h2>
            <pre class="yaml" data-testid="object-yaml">{view_.yaml}</pre>
        </section>
    }
}

/// The diagram a detail page draws of its object, by the kind's URL
/// segment: a pod's anatomy, a Service's map, a workload's ownership.
fn diagram_of(kind_slug: &str) -> Option<&'static str> {
    match kind_slug {
        "pods" => Some("pod"),
        "services" => Some("service"),
        "deployments.apps" | "statefulsets.apps" | "daemonsets.apps" | "jobs.batch"
        | "cronjobs.batch" => Some("ownership"),
        _ => None,
    }
}

#[component]
fn Conditions(row: Row) -> impl IntoView {
    (!row.conditions.is_empty()).then(|| {
        view! {
            <section class="panel" data-testid="conditions">
                <h2>{tr(Key::DetailConditions)}</h2>
                <table class="compact">
                    <thead>
                        <tr>
                            <th>{tr(Key::DetailConditionType)}</th>
                            <th>{tr(Key::DetailConditionStatus)}</th>
                            <th>{tr(Key::DetailConditionReason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {row.conditions
                            .into_iter()
                            .map(|c| {
                                let type_ = c.type_.clone();
                                view! { <tr data-condition=type_><td>{c.type_}</td><td>{c.status}</td><td>{c.reason}</td></tr> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>
        }
    })
}

#[component]
fn KeyValues(title: Key, values: Value, testid: &'static str) -> impl IntoView {
    let pairs: Vec<(String, String)> = values
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    view! {
        <section class="panel" data-testid=testid>
            <h2>{tr(title)}</h2>
            {if pairs.is_empty() {
                view! { <p class="empty-state">{tr(Key::DetailNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="labels">
                        {pairs.into_iter().map(|(k, v)| view! { <li><code>{k}</code> "=" <code>{v}</code></li> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn Related(
    detail_related: Vec<gateway::related::RelatedRef>,
    cluster: String,
    is_pod: bool,
) -> impl IntoView {
    let has_owner = detail_related.iter().any(|r| r.relation == "owner");
    view! {
        <section class="panel" data-testid="related">
            <h2>{tr(Key::DetailRelated)}</h2>
            {(is_pod && !has_owner).then(|| view! { <p data-testid="no-owner">{tr(Key::DetailNoOwner)}</p> })}
            {if detail_related.is_empty() {
                view! { <p class="empty-state">{tr(Key::DetailNoRelated)}</p> }.into_any()
            } else {
                view! {
                    <ul class="related">
                        {detail_related
                            .into_iter()
                            .map(|r| {
                                let relation = match r.relation.as_str() {
                                    "owner" => Key::RelationOwner,
                                    "child" => Key::RelationChild,
                                    "pod" => Key::RelationPod,
                                    "service" => Key::RelationService,
                                    "node" => Key::RelationNode,
                                    _ => Key::RelationDegraded,
                                };
                                let href = detail_path(&cluster, &r.kind_slug, r.namespace.as_deref(), &r.name);
                                view! {
                                    <li data-relation=r.relation.clone() data-health=format!("{:?}", r.health).to_lowercase()>
                                        <span class="relation">{tr(relation)}</span> " "
                                        <a href=href>{format!("{} {}", r.kind, r.name)}</a> " "
                                        <span class="status">{r.status.clone()}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn Events(events: Vec<Row>, now_ms: i64) -> impl IntoView {
    view! {
        <section class="panel" data-testid="events">
            <h2>{tr(Key::DetailEvents)}</h2>
            {if events.is_empty() {
                view! { <p class="empty-state">{tr(Key::DetailNoEvents)}</p> }.into_any()
            } else {
                view! {
                    <ul class="events">
                        {events
                            .into_iter()
                            .map(|e| {
                                let message = e.cells.iter().map(|c| c.text.clone()).max_by_key(String::len).unwrap_or_default();
                                view! {
                                    <li data-health=format!("{:?}", e.health).to_lowercase()>
                                        <span class="age">{age(now_ms, e.created)}</span> " "
                                        <strong>{e.status.clone()}</strong> " "
                                        {message}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// After hydration: reloads the page's data whenever the object's row
/// changes in its kind's live list.
#[allow(unused_variables)]
fn follow_changes(
    cluster: String,
    kind: String,
    namespace: String,
    name: String,
    version: RwSignal<u64>,
) {
    #[cfg(feature = "hydrate")]
    {
        use crate::live::client;
        use crate::live::protocol::{ClientMessage, ServerMessage};
        use gateway::query::ListQuery;
        let query = ListQuery {
            namespace: (namespace != "-").then_some(namespace),
            filter: name,
            limit: 50,
            ..ListQuery::default()
        };
        let first = std::cell::Cell::new(true);
        let id = client::subscribe(
            move |id| ClientMessage::List {
                id,
                cluster,
                kind,
                query,
            },
            move |message| {
                if let ServerMessage::Page { .. } = message {
                    if first.replace(false) {
                        return;
                    }
                    version.update(|v| *v += 1);
                }
            },
        );
        on_cleanup(move || client::unsubscribe(&id));
    }
}
