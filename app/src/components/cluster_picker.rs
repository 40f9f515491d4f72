//! The header's cluster picker: every cluster the user may see with its
//! connection state (and the last error while reconnecting), each a link
//! to its Overview. A `<details>` menu, so it works without JavaScript;
//! live after hydration.

use leptos::prelude::*;

use gateway::status::{ClusterSummary, ConnectionState};

use crate::i18n::Key;
use crate::pages::cluster::overview_path;
use crate::tr;

/// The state of a connection as a coloured word.
#[component]
pub fn StateBadge(state: ConnectionState) -> impl IntoView {
    let key = match state {
        ConnectionState::Connected => Key::ClusterConnected,
        ConnectionState::Connecting => Key::ClusterConnecting,
        ConnectionState::Reconnecting { .. } => Key::ClusterReconnecting,
        ConnectionState::Unreachable { .. } => Key::ClusterUnreachable,
    };
    view! { <span class="state-badge" data-state=state.word()>{tr(key)}</span> }
}

/// The picker; `current` is the cluster of the page, if any.
#[component]
pub fn ClusterPicker(
    clusters: Vec<ClusterSummary>,
    current: Signal<Option<String>>,
) -> impl IntoView {
    let clusters = RwSignal::new(clusters);
    subscribe_live(clusters);
    let shown = move || {
        let all = clusters.get();
        current
            .get()
            .and_then(|name| all.iter().find(|c| c.name == name).cloned())
            .or_else(|| all.first().cloned())
    };
    view! {
        <details class="cluster-picker" data-testid="cluster-picker">
            <summary>
                <span class="cluster-picker-label">{tr(Key::ClusterPickerLabel)}</span>
                " "
                {move || match shown() {
                    Some(c) => view! {
                        <strong data-testid="current-cluster">{c.name.clone()}</strong>
                        " "
                        <StateBadge state=c.state.clone() />
                    }
                        .into_any(),
                    None => view! { <span>{tr(Key::NoClusterConnected)}</span> }.into_any(),
                }}
            </summary>
            <ul role="list" aria-label=tr(Key::ChooseCluster)>
                {move || {
                    clusters
                        .get()
                        .into_iter()
                        .map(|c| {
                            let error = c.state.error().map(str::to_owned);
                            view! {
                                <li data-cluster=c.name.clone() data-state=c.state.word()>
                                    <a href=overview_path(&c.name)>{c.name.clone()}</a>
                                    " "
                                    <StateBadge state=c.state.clone() />
                                    " "
                                    <small class="origin">{c.origin.clone()}</small>
                                    {error.map(|e| view! { <p class="error-text" data-testid="cluster-error">{e}</p> })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </details>
    }
}

#[allow(unused_variables)]
fn subscribe_live(clusters: RwSignal<Vec<ClusterSummary>>) {
    #[cfg(feature = "hydrate")]
    {
        use crate::live::client;
        use crate::live::protocol::{ClientMessage, ServerMessage};
        let id = client::subscribe(
            |id| ClientMessage::Clusters { id },
            move |message| {
                if let ServerMessage::Clusters {
                    clusters: fresh, ..
                } = message
                {
                    clusters.set(fresh);
                }
            },
        );
        on_cleanup(move || client::unsubscribe(&id));
    }
}
