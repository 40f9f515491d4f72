//! Cluster topology (seed figures 1 and 2): every node as a host boundary
//! holding its roles, the red "k8s master" and the green "k8s worker", with
//! their components and pods; each worker points at the master its kubelet
//! reports to. Large clusters are grouped by pool and zone.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Node;

use super::aggregate::{group_nodes, group_worker_box, namespace_boxes, pod_boxes};
use super::pods_by_node::{PodSlice, PodsByNode, Tally};
use super::{
    Boundary, BoundaryKind, Diagram, DiagramKind, Direction, Element, Ids, Item, PodFacts, Role,
    Shape, Slots, State, Target, boundary, element, k8s, relation,
};
use crate::lang::Term;
use crate::{ClusterObjects, Error, Options};

/// Builds the topology diagram.
pub fn topology(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    topology_of(&objects.nodes, &objects.pods, options)
}

/// Builds the topology diagram of `nodes` and of pods in any form that
/// answers [`PodFacts`].
pub fn topology_of<P: PodFacts>(
    nodes: &[Node],
    pods: &[P],
    options: &Options,
) -> Result<Diagram, Error> {
    topology_by_node(nodes, &PodSlice::new(pods), options)
}

/// Builds the topology diagram of `nodes` and of pods already indexed by
/// node: a grouped node is read as counts, so the cost follows what is
/// drawn rather than how many pods the cluster runs.
pub fn topology_by_node<I: PodsByNode>(
    nodes: &[Node],
    pods: &I,
    options: &Options,
) -> Result<Diagram, Error> {
    if nodes.is_empty() {
        return Err(Error::Empty("Node objects"));
    }
    let lang = options.lang;
    let mut ids = Ids::default();
    let pod_count = pods.total();
    let mut nodes: Vec<&Node> = nodes.iter().collect();
    nodes.sort_by(|a, b| k8s::name(&a.metadata).cmp(k8s::name(&b.metadata)));
    let ctx = NodeContext { pods, options };

    let (control_plane, workers): (Vec<&Node>, Vec<&Node>) =
        nodes.iter().partition(|n| k8s::is_control_plane(n));
    let detailed = nodes.len() <= options.max_detailed_nodes;

    let mut items = Vec::new();
    let mut relations = Vec::new();
    let mut worker_boxes: Vec<String> = Vec::new();
    let mut master: Option<String> = None;

    // Row 0: the control plane, one host per control-plane node, or one box when managed.
    if control_plane.is_empty() {
        let id = ids.make("managed control plane");
        items.push(Item::Element(
            element(
                id.clone(),
                Shape::System,
                Role::ManagedControlPlane,
                Term::ManagedControlPlane.text(lang),
                0,
            )
            .tech(Term::Master.text(lang))
            .desc(Term::ApiServer.text(lang)),
        ));
        master = Some(id);
    } else if control_plane.len() <= options.max_detailed_nodes.max(1) {
        for node in &control_plane {
            let host = ctx.host(&mut ids, node, 0);
            master.get_or_insert_with(|| first_of_role(&host, Role::Master));
            if k8s::runs_workloads(node) {
                worker_boxes.push(first_of_role(&host, Role::Worker));
            }
            items.push(Item::Boundary(host));
        }
    } else {
        let mut group = ctx.group(&mut ids, "control plane", &control_plane, 0);
        let id = ids.make("master control plane");
        group.items.insert(
            0,
            Item::Element(
                element(
                    id.clone(),
                    Shape::System,
                    Role::Master,
                    Term::Master.text(lang),
                    0,
                )
                .tech(Term::Nodes.count(control_plane.len(), lang)),
            ),
        );
        master = Some(id);
        items.push(Item::Boundary(group));
    }

    // Rows 1…: workers, one host each, or grouped by pool and zone.
    if detailed {
        for node in &workers {
            let host = ctx.host(&mut ids, node, 1);
            worker_boxes.push(first_of_role(&host, Role::Worker));
            items.push(Item::Boundary(host));
        }
    } else {
        for (key, members) in group_nodes(&workers) {
            let group = ctx.group(&mut ids, &key, &members, 1);
            worker_boxes.push(first_of_role(&group, Role::Worker));
            items.push(Item::Boundary(group));
        }
    }

    if let Some(master) = &master {
        for worker in &worker_boxes {
            if !same_host(&items, worker, master) {
                relations.push(relation(
                    &mut ids,
                    worker,
                    master,
                    Some(Term::ReportsTo.text(lang).to_string()),
                    Direction::Up,
                ));
            }
        }
    }

    let description = format!(
        "{}: {}, {}; {} {}",
        Term::TopologyTitle.text(lang),
        Term::Nodes.count(nodes.len(), lang),
        Term::Pods.count(pod_count, lang),
        Term::ControlPlane.text(lang),
        Term::Nodes.count(control_plane.len(), lang),
    );
    Ok(Diagram {
        kind: DiagramKind::Topology,
        lang,
        title: Term::TopologyTitle.text(lang).to_string(),
        description,
        items,
        relations,
    })
}

struct NodeContext<'a, I> {
    pods: &'a I,
    options: &'a Options,
}

impl<I: PodsByNode> NodeContext<'_, I> {
    fn pods(&self, node: &Node) -> Vec<&I::Pod> {
        self.pods.on_node(k8s::name(&node.metadata))
    }

    /// One node drawn as a host boundary: roles (row 0), components (row 1), pods (row 2).
    fn host(&self, ids: &mut Ids, node: &Node, rank: u32) -> Boundary {
        let lang = self.options.lang;
        let name = k8s::name(&node.metadata);
        let pods = self.pods(node);
        let control_plane = k8s::is_control_plane(node);
        let worker = !control_plane || k8s::runs_workloads(node);
        let ready = k8s::is_ready(node);
        let cordoned = k8s::is_cordoned(node);
        // A NotReady node is a problem (its pods are lost to the cluster); a
        // cordoned one is on its way out, by an operator's choice.
        let state = match (ready, cordoned) {
            (false, _) => State::Failed,
            (true, true) => State::Pending,
            (true, false) => State::Normal,
        };
        let mut items = Vec::new();

        let components: Vec<(Term, &I::Pod)> = pods
            .iter()
            .filter_map(|p| k8s::control_plane_component(p).map(|t| (t, *p)))
            .collect();
        if control_plane {
            let listed: Vec<&str> = components.iter().map(|(t, _)| t.text(lang)).collect();
            items.push(Item::Element(
                element(
                    ids.make(&format!("master {name}")),
                    Shape::System,
                    Role::Master,
                    Term::Master.text(lang),
                    0,
                )
                .tech(Term::ControlPlane.text(lang))
                .desc(listed.join(" · "))
                .state(state),
            ));
            for (term, pod) in &components {
                items.push(Item::Element(
                    element(
                        ids.make(&format!("{} {name}", term.text(lang))),
                        Shape::Container,
                        Role::Component,
                        term.text(lang),
                        1,
                    )
                    .tech(pod.name())
                    .state(pod.state())
                    .target(pod_target(*pod)),
                ));
            }
        }
        let proxy = pods.iter().find(k8s::is_kube_proxy);
        if worker {
            let version = k8s::kubelet_version(node).unwrap_or("");
            let mut parts = vec![format!("{} {version}", Term::Kubelet.text(lang))];
            if proxy.is_some() {
                parts.push(Term::KubeProxy.text(lang).to_string());
            }
            items.push(Item::Element(
                element(
                    ids.make(&format!("worker {name}")),
                    Shape::System,
                    Role::Worker,
                    Term::Worker.text(lang),
                    0,
                )
                .desc(parts.join(" · "))
                .state(state),
            ));
            items.push(Item::Element(
                element(
                    ids.make(&format!("kubelet {name}")),
                    Shape::Container,
                    Role::Component,
                    Term::Kubelet.text(lang),
                    1,
                )
                .tech(version)
                .state(state),
            ));
            if let Some(p) = proxy {
                items.push(Item::Element(
                    element(
                        ids.make(&format!("kube-proxy {name}")),
                        Shape::Container,
                        Role::Component,
                        Term::KubeProxy.text(lang),
                        1,
                    )
                    .tech(p.name())
                    .state(p.state())
                    .target(pod_target(*p)),
                ));
            }
        }
        let workload: Vec<&I::Pod> = pods
            .iter()
            .copied()
            .filter(|p| k8s::control_plane_component(*p).is_none() && !k8s::is_kube_proxy(*p))
            .filter(|p| self.options.in_namespace(p.namespace()))
            .collect();
        items.extend(pod_boxes(ids, name, &workload, self.options, 2));

        let mut host = boundary(
            ids.make(&format!("host {name}")),
            BoundaryKind::Host,
            name,
            rank,
            items,
        );
        let mut tech = vec![Term::Host.text(lang).to_string()];
        tech.extend(k8s::internal_ip(node).map(str::to_string));
        if !ready {
            tech.push(Term::NotReady.text(lang).to_string());
        }
        if cordoned {
            tech.push(Term::Cordoned.text(lang).to_string());
        }
        host.technology = Some(crate::text::label(&tech.join(" · ")));
        host.state = state;
        host.slots = Some(POD_SLOTS);
        host.target = Some(Target {
            kind: "Node",
            namespace: None,
            name: name.to_string(),
        });
        host
    }

    /// A group of nodes: one worker box with counts and the group's pods summarised,
    /// or, when the caller expanded it, its nodes one by one.
    fn group(&self, ids: &mut Ids, key: &str, nodes: &[&Node], rank: u32) -> Boundary {
        let lang = self.options.lang;
        let id = ids.make(&format!("group {key}"));
        let mut items = vec![Item::Element(group_worker_box(ids, key, nodes, lang))];
        let expanded = self.options.expand.contains(&id);
        if expanded {
            let shown = nodes.len().min(self.options.max_expanded_nodes);
            for node in &nodes[..shown] {
                let mut host = self.host(ids, node, 1);
                // Inside an expanded group, each host shows its pods, not a second worker box.
                host.items
                    .retain(|i| !matches!(i, Item::Element(e) if e.role == Role::Worker));
                items.push(Item::Boundary(host));
            }
            if nodes.len() > shown {
                items.push(Item::Element(element(
                    ids.make(&format!("more {key}")),
                    Shape::Container,
                    Role::NodeSummary,
                    Term::MoreNodes.count(nodes.len() - shown, lang),
                    2,
                )));
            }
        } else {
            let mut per_namespace: BTreeMap<String, Tally> = BTreeMap::new();
            for node in nodes {
                self.pods
                    .tally_on_node(k8s::name(&node.metadata), &mut |namespace, tally| {
                        if self.options.in_namespace(namespace) {
                            match per_namespace.get_mut(namespace) {
                                Some(sum) => sum.add(tally),
                                None => {
                                    per_namespace.insert(namespace.to_owned(), tally);
                                }
                            }
                        }
                    });
            }
            items.extend(namespace_boxes(ids, key, &per_namespace, self.options, 1));
        }
        let mut group = boundary(id.clone(), BoundaryKind::NodeGroup, key, rank, items);
        // Pages link a pool to the same view with the pool expanded.
        group.target = Some(Target {
            kind: "NodeGroup",
            namespace: None,
            name: id,
        });
        let state = if expanded {
            Term::Expanded
        } else {
            Term::Aggregated
        };
        group.technology = Some(format!(
            "{} · {}",
            Term::NodePool.text(lang),
            state.text(lang)
        ));
        group
    }
}

/// A host's pods sit in a grid this many cells wide (see [`Slots`]).
const POD_SLOTS: Slots = Slots {
    rank: 2,
    columns: 3,
};

/// Id of the first element of `role` directly inside `b`.
fn first_of_role(b: &Boundary, role: Role) -> String {
    b.items
        .iter()
        .find_map(|i| match i {
            Item::Element(Element { id, role: r, .. }) if *r == role => Some(id.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// True when both elements sit directly in the same top-level host.
fn same_host(items: &[Item], a: &str, b: &str) -> bool {
    items.iter().any(|i| match i {
        Item::Boundary(h) => {
            h.items.iter().any(|x| x.id() == a) && h.items.iter().any(|x| x.id() == b)
        }
        Item::Element(_) => false,
    })
}

/// The link target of a pod's box.
fn pod_target<P: PodFacts>(pod: &P) -> Target {
    Target::namespaced("Pod", pod.namespace(), pod.name())
}
