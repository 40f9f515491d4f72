//! `/c/{cluster}/topology`: the cluster drawn as the seed document draws
//! it — the control plane beside its workers, each node a host with its
//! kubelet, kube-proxy and pods — and, per namespace, the service map and
//! the ownership graph. Live, clickable, exportable.
//!
//! The query string chooses the view (`view=topology|service|ownership`),
//! the namespace, and the node pools drawn node by node (`expand=`), so a
//! view can be linked and works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use gateway::diagram_query::DiagramQuery;

use super::{encode, param};
use crate::components::diagram_panel::DiagramPanel;
use crate::components::stream_notice::StreamNotice;
use crate::i18n::Key;
use crate::server_fns::cluster::cluster_namespaces;
use crate::server_fns::diagram::expand_list;
use crate::tr;

/// The views of the page: (query value, tab title).
const VIEWS: [(&str, Key); 3] = [
    ("topology", Key::DiagramTopology),
    ("service", Key::DiagramServiceMap),
    ("ownership", Key::DiagramOwnership),
];

#[component]
pub fn TopologyPage() -> impl IntoView {
    let cluster = param("cluster");
    let query = use_query_map();
    let chosen = move || {
        let q = query.read();
        let view = q.get("view").unwrap_or_default();
        let kind = VIEWS
            .iter()
            .find(|(v, _)| *v == view)
            .map_or("topology", |(v, _)| v);
        DiagramQuery {
            kind: kind.to_owned(),
            namespace: q.get("namespace").filter(|n| !n.is_empty()),
            expand: expand_list(&q.get("expand").unwrap_or_default()),
            ..DiagramQuery::default()
        }
    };
    view! {
        <section class="page topology-page" data-testid="topology-page">
            <h1>{tr(Key::NavTopology)}</h1>
            <p class="lead">{tr(Key::TopologyIntro)}</p>
            <StreamNotice />
            <nav class="tabs" aria-label=tr(Key::NavTopology)>
                {VIEWS
                    .iter()
                    .map(|(view, title)| {
                        let view = *view;
                        let href = move || format!("/c/{}/topology?view={view}", encode(&cluster()));
                        let current = move || (chosen().kind == view).then_some("page");
                        view! { <a href=href aria-current=current data-view=view>{tr(*title)}</a> }
                    })
                    .collect_view()}
            </nav>
            {move || {
                let q = chosen();
                (q.kind != "topology").then(|| view! { <NamespaceChoice cluster=cluster() query=q /> })
            }}
            {move || {
                let q = chosen();
                let topology = q.kind == "topology";
                view! {
                    {topology.then(|| view! { <p class="hint">{tr(Key::DiagramGrouped)}</p> })}
                    <DiagramPanel cluster=cluster() query=q />
                    {topology.then(|| view! { <Legend /> })}
                }
            }}
        </section>
    }
}

/// A plain GET form, so it works before hydration and without JavaScript.
#[component]
fn NamespaceChoice(cluster: String, query: DiagramQuery) -> impl IntoView {
    let namespaces = Resource::new(move || cluster.clone(), cluster_namespaces);
    let current = query.namespace.clone().unwrap_or_default();
    view! {
        <form method="get" class="filters" data-testid="diagram-namespace">
            <input type="hidden" name="view" value=query.kind.clone() />
            <label>
                {tr(Key::ListNamespace)} " "
                <select name="namespace">
                    <option value="" selected=current.is_empty()>{tr(Key::ListAllNamespaces)}</option>
                    <Suspense fallback=|| ()>
                        {move || {
                            let current = current.clone();
                            namespaces.get().map(|found| {
                                found
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|ns| {
                                        let selected = ns == current;
                                        view! { <option value=ns.clone() selected=selected>{ns.clone()}</option> }
                                    })
                                    .collect_view()
                            })
                        }}
                    </Suspense>
                </select>
            </label>
            <button type="submit">{tr(Key::DiagramShow)}</button>
        </form>
    }
}

/// What the colours and frames of the topology mean.
#[component]
fn Legend() -> impl IntoView {
    let entries = [
        ("legend-master", Key::LegendMaster),
        ("legend-worker", Key::LegendWorker),
        ("legend-component", Key::LegendComponent),
        ("legend-running", Key::LegendRunning),
        ("legend-pending", Key::LegendPending),
        ("legend-failed", Key::LegendFailed),
        ("legend-done", Key::LegendDone),
        ("legend-notready", Key::LegendNotReady),
        ("legend-cordoned", Key::LegendCordoned),
    ];
    view! {
        <section class="panel legend" data-testid="diagram-legend">
            <h2>{tr(Key::LegendTitle)}</h2>
            <ul>
                {entries
                    .into_iter()
                    .map(|(class, key)| view! { <li><span class=format!("swatch {class}") aria-hidden="true"></span> {tr(key)}</li> })
                    .collect_view()}
            </ul>
        </section>
    }
}
