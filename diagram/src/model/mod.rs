//! The diagram model: what is drawn, independent of where and how.
//!
//! A [`Diagram`] is a tree of boundaries (host, pod, namespace, node group)
//! holding elements, plus relations between elements. Labels are already
//! cleaned and translated; renderers only escape them. Each item carries a
//! `rank` (its row inside its parent, top to bottom) chosen by the builder so
//! that relations run between neighbouring rows, as in the seed's figures.

mod aggregate;
mod ids;
mod k8s;
mod ownership;
mod pod;
mod pod_facts;
mod pods_by_node;
mod service;
mod slot_memory;
mod topology;

pub use ids::Ids;
pub(crate) use ownership::ownership;
pub(crate) use pod::pod;
pub use pod_facts::PodFacts;
pub use pods_by_node::{PodSlice, PodsByNode, Tally, slot_order};
pub(crate) use service::service_map;
pub use slot_memory::SlotMemory;
pub(crate) use topology::{topology, topology_by_node, topology_of};

use crate::Lang;

/// Which of the four diagrams this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagramKind {
    /// Nodes, their roles, components and pods.
    Topology,
    /// The inside of one pod.
    Pod,
    /// Ingress → Service → EndpointSlice → Pod → workload.
    Service,
    /// Workload → ReplicaSet → Pod.
    Ownership,
}

impl DiagramKind {
    /// Name used on the command line and in CSS classes.
    pub fn name(self) -> &'static str {
        match self {
            DiagramKind::Topology => "topology",
            DiagramKind::Pod => "pod",
            DiagramKind::Service => "service",
            DiagramKind::Ownership => "ownership",
        }
    }
}

impl std::str::FromStr for DiagramKind {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        match s {
            "topology" => Ok(DiagramKind::Topology),
            "pod" => Ok(DiagramKind::Pod),
            "service" => Ok(DiagramKind::Service),
            "ownership" => Ok(DiagramKind::Ownership),
            _ => Err(crate::Error::UnknownKind(s.to_string())),
        }
    }
}

/// A complete diagram, ready for layout and rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// Which diagram this is.
    pub kind: DiagramKind,
    /// Language the labels were written in.
    pub lang: Lang,
    /// One-line title (SVG `<title>`, PlantUML `title`).
    pub title: String,
    /// Longer text for screen readers (SVG `<desc>`).
    pub description: String,
    /// Top-level items.
    pub items: Vec<Item>,
    /// Arrows between elements.
    pub relations: Vec<Relation>,
}

/// A box or a boundary holding boxes.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A box.
    Element(Element),
    /// A frame holding items.
    Boundary(Boundary),
}

impl Item {
    /// Stable id of the element or boundary.
    pub fn id(&self) -> &str {
        match self {
            Item::Element(e) => &e.id,
            Item::Boundary(b) => &b.id,
        }
    }

    /// Row inside the parent.
    pub fn rank(&self) -> u32 {
        match self {
            Item::Element(e) => e.rank,
            Item::Boundary(b) => b.rank,
        }
    }
}

/// C4 shape of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// C4 `System`: a node role, a volume, a network address.
    System,
    /// C4 `Container`: a container, a component, a pod, a workload.
    Container,
}

/// What an element stands for; decides its colour and CSS class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The red "k8s master" of a control-plane node.
    Master,
    /// The green "k8s worker" of a node running workloads.
    Worker,
    /// A control plane the provider hides, drawn as one box.
    ManagedControlPlane,
    /// etcd, api server, controller manager, scheduler, kubelet, kube-proxy.
    Component,
    /// A pod.
    Pod,
    /// Pods counted by namespace and owner.
    PodSummary,
    /// Nodes counted, not drawn.
    NodeSummary,
    /// An init container.
    InitContainer,
    /// An app container.
    Container,
    /// A volume: the seed's "disk and directory".
    Volume,
    /// The pod's network address and ports.
    Network,
    /// An Ingress.
    Ingress,
    /// A Service.
    Service,
    /// An EndpointSlice.
    EndpointSlice,
    /// A Deployment, StatefulSet, DaemonSet, Job or CronJob.
    Workload,
    /// A ReplicaSet (revision) or a CronJob's Job.
    ReplicaSet,
}

impl Role {
    /// CSS class suffix and PlantUML tag.
    pub fn name(self) -> &'static str {
        match self {
            Role::Master => "master",
            Role::Worker => "worker",
            Role::ManagedControlPlane => "managed-control-plane",
            Role::Component => "component",
            Role::Pod => "pod",
            Role::PodSummary => "pod-summary",
            Role::NodeSummary => "node-summary",
            Role::InitContainer => "init-container",
            Role::Container => "container",
            Role::Volume => "volume",
            Role::Network => "network",
            Role::Ingress => "ingress",
            Role::Service => "service",
            Role::EndpointSlice => "endpoint-slice",
            Role::Workload => "workload",
            Role::ReplicaSet => "replica-set",
        }
    }
}

/// Health shown as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum State {
    /// Running, healthy.
    #[default]
    Normal,
    /// Waiting, pending, not ready.
    Pending,
    /// Failed, crash-looping, a Service selecting nothing.
    Failed,
    /// Finished (terminated successfully, old revision).
    Done,
}

impl State {
    /// CSS class suffix.
    pub fn name(self) -> &'static str {
        match self {
            State::Normal => "normal",
            State::Pending => "pending",
            State::Failed => "failed",
            State::Done => "done",
        }
    }
}

/// A box.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Stable, unique, `[a-z0-9_]` id (PlantUML alias, SVG id).
    pub id: String,
    /// C4 macro used.
    pub shape: Shape,
    /// What it stands for.
    pub role: Role,
    /// Health, as colour.
    pub state: State,
    /// Main text.
    pub label: String,
    /// Shown in brackets under the label (image, kind, version).
    pub technology: Option<String>,
    /// Longer text.
    pub description: Option<String>,
    /// Row inside the parent, top first.
    pub rank: u32,
    /// The Kubernetes object the box stands for, so a page can link it.
    pub target: Option<Target>,
    /// The cell it takes in a slotted frame ([`Slots`]), counted left to
    /// right and row by row; `None` takes the next cell in order. Set by
    /// [`SlotMemory`] so a live drawing's boxes stay where they were.
    pub slot: Option<u32>,
}

/// The Kubernetes object an element or boundary stands for (a node, a pod,
/// a Service, a workload): renderers that can link (SVG in the browser)
/// turn it into a link to the object's page; the others ignore it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The object's kind as the API names it: `Node`, `Pod`, `Deployment`.
    pub kind: &'static str,
    /// Its namespace; `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    /// Its name.
    pub name: String,
}

impl Target {
    /// A namespaced object.
    pub fn namespaced(kind: &'static str, namespace: &str, name: &str) -> Self {
        Target {
            kind,
            namespace: Some(namespace.to_string()),
            name: name.to_string(),
        }
    }
}

/// What a boundary groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoundaryKind {
    /// A node (machine).
    Host,
    /// Nodes of one pool and zone.
    NodeGroup,
    /// Control-plane nodes grouped.
    ControlPlane,
    /// A pod and its containers.
    Pod,
    /// A namespace.
    Namespace,
}

impl BoundaryKind {
    /// CSS class suffix.
    pub fn name(self) -> &'static str {
        match self {
            BoundaryKind::Host => "host",
            BoundaryKind::NodeGroup => "node-group",
            BoundaryKind::ControlPlane => "control-plane",
            BoundaryKind::Pod => "pod",
            BoundaryKind::Namespace => "namespace",
        }
    }
}

/// A dashed frame around items.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// Stable id, as in the model.
    pub id: String,
    /// What the boundary groups.
    pub kind: BoundaryKind,
    /// Main text.
    pub label: String,
    /// Shown in brackets under the label.
    pub technology: Option<String>,
    /// Row inside the parent, top first.
    pub rank: u32,
    /// Health of what the frame stands for (a NotReady or cordoned host).
    pub state: State,
    /// The Kubernetes object the frame stands for (a host's node).
    pub target: Option<Target>,
    /// Lay the items of one rank in fixed cells (a host's pods).
    pub slots: Option<Slots>,
    /// What it holds.
    pub items: Vec<Item>,
}

/// Items of one rank laid in equal cells, left to right and row by row,
/// the grid as wide as `columns` cells however few are filled: an item
/// added at the end then moves no other box, and the frame keeps its
/// width (a live topology must not jump when one pod starts or ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slots {
    /// The rank whose items take slots.
    pub rank: u32,
    /// Cells per row.
    pub columns: u32,
}

/// Where the target of a relation sits relative to its source (a hint for PlantUML).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Target above.
    Up,
    /// Target below.
    Down,
    /// Target to the left.
    Left,
    /// Target to the right.
    Right,
}

/// An arrow from one element to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// Stable id, as in the model.
    pub id: String,
    /// Id of the source element.
    pub from: String,
    /// Id of the target element.
    pub to: String,
    /// Main text.
    pub label: Option<String>,
    /// Where the target sits, for PlantUML.
    pub direction: Direction,
}

impl Diagram {
    /// Every element, depth first, in drawing order.
    pub fn elements(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Element>) {
            for item in items {
                match item {
                    Item::Element(e) => out.push(e),
                    Item::Boundary(b) => walk(&b.items, out),
                }
            }
        }
        walk(&self.items, &mut out);
        out
    }

    /// Every boundary, depth first.
    pub fn boundaries(&self) -> Vec<&Boundary> {
        let mut out = Vec::new();
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Boundary>) {
            for item in items {
                if let Item::Boundary(b) = item {
                    out.push(b);
                    walk(&b.items, out);
                }
            }
        }
        walk(&self.items, &mut out);
        out
    }

    /// Finds a boundary by id.
    pub fn boundary(&self, id: &str) -> Option<&Boundary> {
        self.boundaries().into_iter().find(|b| b.id == id)
    }
}

/// Builds an element with the fields most builders leave at their defaults.
pub(crate) fn element(
    id: String,
    shape: Shape,
    role: Role,
    label: impl AsRef<str>,
    rank: u32,
) -> Element {
    Element {
        id,
        shape,
        role,
        state: State::Normal,
        label: crate::text::label(label.as_ref()),
        technology: None,
        description: None,
        rank,
        target: None,
        slot: None,
    }
}

impl Element {
    /// Sets the bracketed technology line.
    pub(crate) fn tech(mut self, t: impl AsRef<str>) -> Self {
        let t = crate::text::label(t.as_ref());
        self.technology = (!t.is_empty()).then_some(t);
        self
    }

    /// Sets the description (cleaned, up to three label lengths).
    pub(crate) fn desc(mut self, d: impl AsRef<str>) -> Self {
        let d = crate::text::clean(d.as_ref(), crate::text::MAX_LABEL_COLUMNS * 3);
        self.description = (!d.is_empty()).then_some(d);
        self
    }

    pub(crate) fn state(mut self, s: State) -> Self {
        self.state = s;
        self
    }

    /// Names the object the box stands for.
    pub(crate) fn target(mut self, t: Target) -> Self {
        self.target = Some(t);
        self
    }
}

/// Builds a boundary.
pub(crate) fn boundary(
    id: String,
    kind: BoundaryKind,
    label: impl AsRef<str>,
    rank: u32,
    items: Vec<Item>,
) -> Boundary {
    Boundary {
        id,
        kind,
        label: crate::text::label(label.as_ref()),
        technology: None,
        rank,
        state: State::Normal,
        target: None,
        slots: None,
        items,
    }
}

/// One boundary per namespace around its items, in namespace order (the
/// service map and the ownership view both group this way).
pub(crate) fn namespace_boundaries(
    ids: &mut Ids,
    by_ns: std::collections::BTreeMap<&str, Vec<Item>>,
    lang: Lang,
) -> Vec<Item> {
    by_ns
        .into_iter()
        .map(|(ns, members)| {
            let mut b = boundary(
                ids.make(&format!("ns {ns}")),
                BoundaryKind::Namespace,
                ns,
                0,
                members,
            );
            b.technology = Some(crate::lang::Term::Namespace.text(lang).to_string());
            Item::Boundary(b)
        })
        .collect()
}

/// Builds a relation.
pub(crate) fn relation(
    ids: &mut Ids,
    from: &str,
    to: &str,
    label: Option<String>,
    direction: Direction,
) -> Relation {
    Relation {
        id: ids.make(&format!("rel {from} {to}")),
        from: from.to_string(),
        to: to.to_string(),
        label: label.map(|l| crate::text::label(&l)),
        direction,
    }
}
