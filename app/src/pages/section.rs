//! The sections of the product and their pages. Until a cluster is
//! connected, each page says what it will show and that nothing is there yet.

use leptos::prelude::*;

use crate::i18n::Key;
use crate::tr;

/// A top-level area of the product, as listed in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Topology,
    Workloads,
    Network,
    Config,
    Storage,
    Access,
    Audit,
}

impl Section {
    /// Every section, in navigation order.
    pub const ALL: [Section; 8] = [
        Section::Overview,
        Section::Topology,
        Section::Workloads,
        Section::Network,
        Section::Config,
        Section::Storage,
        Section::Access,
        Section::Audit,
    ];

    /// The URL path segment.
    pub fn slug(self) -> &'static str {
        match self {
            Section::Overview => "overview",
            Section::Topology => "topology",
            Section::Workloads => "workloads",
            Section::Network => "network",
            Section::Config => "config",
            Section::Storage => "storage",
            Section::Access => "access",
            Section::Audit => "audit",
        }
    }

    /// The page's path.
    pub fn path(self) -> String {
        format!("/{}", self.slug())
    }

    /// The name shown in the navigation.
    pub fn title(self) -> Key {
        match self {
            Section::Overview => Key::NavOverview,
            Section::Topology => Key::NavTopology,
            Section::Workloads => Key::NavWorkloads,
            Section::Network => Key::NavNetwork,
            Section::Config => Key::NavConfig,
            Section::Storage => Key::NavStorage,
            Section::Access => Key::NavAccess,
            Section::Audit => Key::NavAudit,
        }
    }

    /// One sentence on what the section shows.
    pub fn intro(self) -> Key {
        match self {
            Section::Overview => Key::OverviewIntro,
            Section::Topology => Key::TopologyIntro,
            Section::Workloads => Key::WorkloadsIntro,
            Section::Network => Key::NetworkIntro,
            Section::Config => Key::ConfigIntro,
            Section::Storage => Key::StorageIntro,
            Section::Access => Key::AccessIntro,
            Section::Audit => Key::AuditIntro,
        }
    }
}

/// The page of one section.
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
