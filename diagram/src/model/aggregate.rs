//! Aggregation for large clusters: pods summarised by namespace and owner,
//! nodes grouped by pool and zone, so the picture stays readable at 5,000
//! nodes and 150,000 pods.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Node;

use super::k8s;
use super::pods_by_node::Tally;
use super::{Element, Ids, Item, PodFacts, Role, Shape, State, Target, element};
use crate::Options;
use crate::lang::{Lang, Term};

/// Most node groups drawn; further groups are merged into the last one.
pub const MAX_GROUPS: usize = 24;

/// Pod boxes for `pods`: one box per pod when they are few, else one box per
/// (namespace, owner) with a count, the smallest groups folded into "other".
pub fn pod_boxes<P: PodFacts>(
    ids: &mut Ids,
    scope: &str,
    pods: &[&P],
    options: &Options,
    rank: u32,
) -> Vec<Item> {
    let lang = options.lang;
    if pods.len() <= options.max_pods_per_box {
        return pods
            .iter()
            .map(|p| {
                let (ns, name) = (p.namespace(), p.name());
                Item::Element(
                    element(
                        ids.make(&format!("pod {ns} {name}")),
                        Shape::Container,
                        Role::Pod,
                        name,
                        rank,
                    )
                    .tech(format!("{} · {ns}", Term::Pod.text(lang)))
                    .state(p.state())
                    .target(Target::namespaced("Pod", ns, name)),
                )
            })
            .collect();
    }
    summaries(ids, scope, pods, options, rank)
}

/// One box per namespace with its pod count (the smallest folded into
/// "other"), for a group of nodes, from counts per namespace.
pub fn namespace_boxes(
    ids: &mut Ids,
    scope: &str,
    per_namespace: &BTreeMap<String, Tally>,
    options: &Options,
    rank: u32,
) -> Vec<Item> {
    let groups = per_namespace
        .iter()
        .map(|(ns, tally)| ((ns.as_str(), String::new()), *tally))
        .collect();
    summary_items(ids, scope, groups, options, rank)
}

/// One box per (namespace, owner) of `pods`, with counts.
fn summaries<P: PodFacts>(
    ids: &mut Ids,
    scope: &str,
    pods: &[&P],
    options: &Options,
    rank: u32,
) -> Vec<Item> {
    let mut groups: BTreeMap<(&str, String), Tally> = BTreeMap::new();
    for p in pods {
        let key = (p.namespace(), k8s::owner_group(*p));
        groups.entry(key).or_default().add(Tally::of(p.state()));
    }
    summary_items(ids, scope, groups.into_iter().collect(), options, rank)
}

/// Summary boxes for counted groups keyed by (namespace, owner or ""):
/// biggest first, the smallest folded into one "other" box.
fn summary_items(
    ids: &mut Ids,
    scope: &str,
    mut ordered: Vec<((&str, String), Tally)>,
    options: &Options,
    rank: u32,
) -> Vec<Item> {
    let lang = options.lang;
    // Biggest groups first; ties by name, so the order is stable.
    ordered.sort_by(|a, b| b.1.pods.cmp(&a.1.pods).then_with(|| a.0.cmp(&b.0)));
    let keep = options.max_pods_per_box.saturating_sub(1).max(1);
    let mut items = Vec::new();
    let mut other = (Tally::default(), 0usize);
    for (i, ((ns, owner), tally)) in ordered.into_iter().enumerate() {
        if i < keep {
            let label = if owner.is_empty() {
                format!("{}: {ns}", Term::Namespace.text(lang))
            } else {
                format!("{ns}/{owner}")
            };
            items.push(Item::Element(summary(
                ids, scope, &label, ns, tally, lang, rank,
            )));
        } else {
            other.0.add(tally);
            other.1 += 1;
        }
    }
    if other.0.pods > 0 {
        let label = format!("+{} {}", other.1, Term::OtherNamespaces.text(lang));
        items.push(Item::Element(summary(
            ids, scope, &label, "", other.0, lang, rank,
        )));
    }
    items
}

fn summary(
    ids: &mut Ids,
    scope: &str,
    label: &str,
    ns: &str,
    tally: Tally,
    lang: Lang,
    rank: u32,
) -> Element {
    let count = tally.pods;
    let state = if tally.unhealthy == 0 {
        State::Normal
    } else {
        State::Pending
    };
    let tech = if ns.is_empty() {
        Term::Pods.count(count, lang)
    } else {
        format!("{} · {ns}", Term::Pods.count(count, lang))
    };
    element(
        ids.make(&format!("pods {scope} {label}")),
        Shape::Container,
        Role::PodSummary,
        label,
        rank,
    )
    .tech(tech)
    .state(state)
}

/// Nodes grouped by (pool, zone), in a stable order, at most [`MAX_GROUPS`] groups.
pub fn group_nodes<'a>(nodes: &[&'a Node]) -> Vec<(String, Vec<&'a Node>)> {
    let mut groups: BTreeMap<(String, String), Vec<&Node>> = BTreeMap::new();
    for n in nodes {
        let pool = k8s::pool(n).unwrap_or("-").to_string();
        let zone = k8s::zone(n).unwrap_or("-").to_string();
        groups.entry((pool, zone)).or_default().push(n);
    }
    let mut out: Vec<(String, Vec<&Node>)> = Vec::new();
    for ((pool, zone), members) in groups {
        let key = match (pool.as_str(), zone.as_str()) {
            ("-", "-") => "nodes".to_string(),
            (p, "-") => format!("pool {p}"),
            ("-", z) => format!("zone {z}"),
            (p, z) => format!("pool {p} · zone {z}"),
        };
        if out.len() == MAX_GROUPS {
            let last = out.last_mut().expect("MAX_GROUPS > 0");
            last.0 = "other pools".to_string();
            last.1.extend(members);
        } else {
            out.push((key, members));
        }
    }
    out
}

/// The green worker box standing for a group of nodes.
pub fn group_worker_box(ids: &mut Ids, scope: &str, nodes: &[&Node], lang: Lang) -> Element {
    let ready = nodes.iter().filter(|n| k8s::is_ready(n)).count();
    let mut versions: Vec<&str> = nodes
        .iter()
        .filter_map(|n| k8s::kubelet_version(n))
        .collect();
    versions.sort_unstable();
    versions.dedup();
    let state = if ready == nodes.len() {
        State::Normal
    } else {
        State::Pending
    };
    let desc = format!(
        "{} {} · {} {}",
        crate::lang::group_thousands(ready),
        Term::Ready.text(lang),
        Term::Kubelet.text(lang),
        versions.join(", ")
    );
    element(
        ids.make(&format!("worker {scope}")),
        Shape::System,
        Role::Worker,
        Term::Worker.text(lang),
        0,
    )
    .tech(Term::Nodes.count(nodes.len(), lang))
    .desc(desc)
    .state(state)
}
