//! The sections of the product, as the navigation lists them, and the
//! kinds each cluster section groups (its tabs). Sections not built yet
//! (topology, access, audit) say what they will show.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::tr;

/// A top-level area of the product, as listed in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Topology,
    Nodes,
    Workloads,
    Network,
    Config,
    Storage,
    Events,
    Namespaces,
    Resources,
    Access,
    Audit,
}

impl Section {
    /// Every section, in navigation order.
    pub const ALL: [Section; 12] = [
        Section::Overview,
        Section::Topology,
        Section::Nodes,
        Section::Workloads,
        Section::Network,
        Section::Config,
        Section::Storage,
        Section::Events,
        Section::Namespaces,
        Section::Resources,
        Section::Access,
        Section::Audit,
    ];

    /// A stable name for tests and CSS.
    pub fn slug(self) -> &'static str {
        match self {
            Section::Overview => "overview",
            Section::Topology => "topology",
            Section::Nodes => "nodes",
            Section::Workloads => "workloads",
            Section::Network => "network",
            Section::Config => "config",
            Section::Storage => "storage",
            Section::Events => "events",
            Section::Namespaces => "namespaces",
            Section::Resources => "resources",
            Section::Access => "access",
            Section::Audit => "audit",
        }
    }

    /// The kinds the section lists, first one first (its tabs).
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            Section::Nodes => &["nodes"],
            Section::Workloads => &[
                "pods",
                "deployments.apps",
                "replicasets.apps",
                "statefulsets.apps",
                "daemonsets.apps",
                "jobs.batch",
                "cronjobs.batch",
            ],
            Section::Network => &[
                "services",
                "endpoints",
                "endpointslices.discovery.k8s.io",
                "ingresses.networking.k8s.io",
            ],
            Section::Config => &["configmaps", "secrets"],
            Section::Storage => &[
                "persistentvolumes",
                "persistentvolumeclaims",
                "storageclasses.storage.k8s.io",
            ],
            Section::Events => &["events"],
            Section::Namespaces => &["namespaces"],
            _ => &[],
        }
    }

    /// The section a kind's list belongs to (`Resources` for the rest).
    pub fn of_kind(kind: &str) -> Section {
        Section::ALL
            .into_iter()
            .find(|s| s.kinds().contains(&kind))
            .unwrap_or(Section::Resources)
    }

    /// The page's path, for `cluster` where the section is per cluster.
    pub fn path(self, cluster: &str) -> String {
        use crate::pages::cluster::{kinds_path, list_path, overview_path};
        match self {
            Section::Overview => overview_path(cluster),
            Section::Resources => kinds_path(cluster),
            Section::Topology => format!("/c/{}/topology", crate::pages::cluster::encode(cluster)),
            Section::Access => "/access".into(),
            Section::Audit => "/audit".into(),
            other => list_path(cluster, other.kinds()[0]),
        }
    }

    /// The name shown in the navigation.
    pub fn title(self) -> Key {
        match self {
            Section::Overview => Key::NavOverview,
            Section::Topology => Key::NavTopology,
            Section::Nodes => Key::NavNodes,
            Section::Workloads => Key::NavWorkloads,
            Section::Network => Key::NavNetwork,
            Section::Config => Key::NavConfig,
            Section::Storage => Key::NavStorage,
            Section::Events => Key::NavEvents,
            Section::Namespaces => Key::NavNamespaces,
            Section::Resources => Key::NavResources,
            Section::Access => Key::NavAccess,
            Section::Audit => Key::NavAudit,
        }
    }

    /// One sentence on what the section shows.
    pub fn intro(self) -> Key {
        match self {
            Section::Overview => Key::OverviewIntro,
            Section::Topology => Key::TopologyIntro,
            Section::Nodes => Key::NodesIntro,
            Section::Workloads => Key::WorkloadsIntro,
            Section::Network => Key::NetworkIntro,
            Section::Config => Key::ConfigIntro,
            Section::Storage => Key::StorageIntro,
            Section::Events => Key::EventsIntro,
            Section::Namespaces => Key::NamespacesIntro,
            Section::Resources => Key::ResourcesIntro,
            Section::Access => Key::AccessIntro,
            Section::Audit => Key::AuditIntro,
        }
    }
}

/// The page of a section that is not built yet.
#[component]
pub fn SectionPage(section: Section) -> impl IntoView {
    view! {
        <section class="page" data-testid=format!("section-{}", section.slug())>
            <h1>{tr(section.title())}</h1>
            <p class="lead">{tr(section.intro())}</p>
            <p class="empty-state">{tr(Key::SectionEmpty)}</p>
        </section>
    }
}
