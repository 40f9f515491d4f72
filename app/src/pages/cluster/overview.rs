//! A cluster at a glance: connection and version, nodes Ready / NotReady
//! by role, pods by phase, workloads short of their desired state, recent
//! warnings and the state of each shared watch. Live after hydration.

use leptos::prelude::*;

use gateway::overview::Overview;
use gateway::query::SyncState;

use super::{detail_path, list_path, loaded, param};
use crate::components::cluster_picker::StateBadge;
use crate::components::stream_notice::StreamNotice;
use crate::i18n::Key;
use crate::server_fns::cluster::cluster_overview;
use crate::tr;

/// `/c/{cluster}/overview`.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let cluster = param("cluster");
    let data = Resource::new(cluster, cluster_overview);
    view! {
        <section class="page overview" data-testid="overview">
            <h1>{tr(Key::NavOverview)}</h1>
            {loaded(data, |overview| view! { <OverviewBody overview=overview /> })}
        </section>
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let data = RwSignal::new(overview);
    subscribe_live(data);
    view! {
        <StreamNotice />
        {move || {
            let o = data.get();
            let cluster = o.cluster.name.clone();
            view! {
                <div class="cards">
                    <ClusterCard o=o.clone() />
                    <NodesCard o=o.clone() cluster=cluster.clone() />
                    <PodsCard o=o.clone() cluster=cluster.clone() />
                </div>
                <DegradedList o=o.clone() cluster=cluster.clone() />
                <Warnings o=o.clone() />
                <WatchTable o=o />
            }
        }}
    }
}

#[component]
fn ClusterCard(o: Overview) -> impl IntoView {
    let error = o.cluster.state.error().map(str::to_owned);
    view! {
        <article class="card" data-testid="overview-cluster">
            <h2>{tr(Key::OverviewConnection)}</h2>
            <p><strong>{o.cluster.name.clone()}</strong> " " <StateBadge state=o.cluster.state.clone() /></p>
            <dl>
                <dt>{tr(Key::ClusterVersion)}</dt>
                <dd data-testid="cluster-version">{o.cluster.version.clone()}</dd>
                <dt>{tr(Key::ClusterOrigin)}</dt>
                <dd>{o.cluster.origin.clone()}</dd>
                <dt>{tr(Key::OverviewNamespacesCount)}</dt>
                <dd>{o.namespaces}</dd>
            </dl>
            {error.map(|e| view! { <p class="error-text"><span>{tr(Key::LastError)}</span> ": " <code>{e}</code></p> })}
        </article>
    }
}

#[component]
fn NodesCard(o: Overview, cluster: String) -> impl IntoView {
    view! {
        <article class="card" data-testid="overview-nodes">
            <h2><a href=list_path(&cluster, "nodes")>{tr(Key::OverviewNodes)}</a></h2>
            <table class="compact">
                <thead>
                    <tr><th>{tr(Key::Role)}</th><th>{tr(Key::OverviewReady)}</th><th>{tr(Key::OverviewNotReady)}</th></tr>
                </thead>
                <tbody>
                    {o.nodes
                        .iter()
                        .map(|(role, counts)| {
                            let alert = counts.not_ready > 0;
                            view! {
                                <tr data-role=role.clone()>
                                    <td>{role.clone()}</td>
                                    <td data-testid=format!("nodes-ready-{role}")>{counts.ready}</td>
                                    <td data-testid=format!("nodes-notready-{role}") class:alert=alert>{counts.not_ready}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </article>
    }
}

#[component]
fn PodsCard(o: Overview, cluster: String) -> impl IntoView {
    view! {
        <article class="card" data-testid="overview-pods">
            <h2><a href=list_path(&cluster, "pods")>{tr(Key::OverviewPods)}</a> " " <span class="count">{o.pods_total}</span></h2>
            <ul class="phase-list">
                {o.pods
                    .iter()
                    .map(|(phase, count)| view! { <li data-phase=phase.clone()><span>{phase.clone()}</span> " " <strong>{*count}</strong></li> })
                    .collect_view()}
            </ul>
        </article>
    }
}

#[component]
fn DegradedList(o: Overview, cluster: String) -> impl IntoView {
    view! {
        <section class="panel" data-testid="overview-degraded">
            <h2>{tr(Key::OverviewWorkloads)} " " <span class="count">{o.degraded.len()} "/" {o.workloads_total}</span></h2>
            {if o.degraded.is_empty() {
                view! { <p class="empty-state">{tr(Key::OverviewAllWorkloadsHealthy)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {o.degraded
                            .iter()
                            .map(|w| {
                                let href = detail_path(&cluster, &w.kind_slug, w.namespace.as_deref(), &w.name);
                                view! {
                                    <li data-health=format!("{:?}", w.health).to_lowercase()>
                                        <a href=href>{format!("{} {}/{}", w.kind, w.namespace.clone().unwrap_or_default(), w.name)}</a>
                                        " " <span class="status">{w.status.clone()}</span>
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
fn Warnings(o: Overview) -> impl IntoView {
    view! {
        <section class="panel" data-testid="overview-warnings">
            <h2>{tr(Key::OverviewWarnings)}</h2>
            {if o.warnings.is_empty() {
                view! { <p class="empty-state">{tr(Key::OverviewNoWarnings)}</p> }.into_any()
            } else {
                view! {
                    <ul class="warnings">
                        {o.warnings
                            .iter()
                            .map(|w| view! {
                                <li><strong>{w.reason.clone()}</strong> " " {w.object.clone()} ": " {w.message.clone()}</li>
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
fn WatchTable(o: Overview) -> impl IntoView {
    view! {
        <section class="panel" data-testid="overview-watches">
            <h2>{tr(Key::OverviewWatches)}</h2>
            <table class="compact">
                <thead>
                    <tr>
                        <th>{tr(Key::WatchKind)}</th>
                        <th>{tr(Key::WatchObjects)}</th>
                        <th>{tr(Key::WatchState)}</th>
                        <th>{tr(Key::WatchViewers)}</th>
                    </tr>
                </thead>
                <tbody>
                    {o.watches
                        .iter()
                        .map(|w| {
                            let state = match &w.sync {
                                SyncState::Synced => Key::SyncSynced,
                                SyncState::Syncing => Key::SyncSyncing,
                                SyncState::Retrying { .. } => Key::SyncRetrying,
                            };
                            view! {
                                <tr data-kind=w.kind.clone()>
                                    <td>{w.kind.clone()}</td>
                                    <td>{w.objects}</td>
                                    <td>{tr(state)}</td>
                                    <td>{w.viewers}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[allow(unused_variables)]
fn subscribe_live(data: RwSignal<Overview>) {
    #[cfg(feature = "hydrate")]
    {
        use crate::live::client;
        use crate::live::protocol::{ClientMessage, ServerMessage};
        let cluster = data.get_untracked().cluster.name;
        let id = client::subscribe(
            move |id| ClientMessage::Overview { id, cluster },
            move |message| {
                if let ServerMessage::Overview { overview, .. } = message {
                    data.set(*overview);
                }
            },
        );
        on_cleanup(move || client::unsubscribe(&id));
    }
}
