//! Service map: Ingress → Service → EndpointSlice → Pod ← owning workload,
//! per namespace. A Service whose selector matches no pod is drawn as failed.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::api::networking::v1::Ingress;

use super::aggregate::pod_boxes;
use super::{
    Diagram, DiagramKind, Direction, Ids, Item, Relation, Role, Shape, State, Target, element, k8s,
    namespace_boundaries, relation,
};
use crate::lang::Term;
use crate::{ClusterObjects, Error, Options};

/// Builds the service map for the selected Services.
pub fn service_map(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    let lang = options.lang;
    let mut services: Vec<&Service> = objects
        .services
        .iter()
        .filter(|s| options.in_namespace(k8s::namespace(&s.metadata)))
        .filter(|s| {
            options
                .name
                .as_deref()
                .is_none_or(|n| n == k8s::name(&s.metadata))
        })
        .collect();
    if services.is_empty() {
        return Err(match &options.name {
            Some(name) => Error::NotFound {
                kind: "Service",
                name: name.clone(),
                namespace: options.namespace.clone(),
            },
            None => Error::Empty("Service objects"),
        });
    }
    services.sort_by_key(|s| (k8s::namespace(&s.metadata), k8s::name(&s.metadata)));

    let mut ids = Ids::default();
    let mut relations: Vec<Relation> = Vec::new();
    let mut by_ns: BTreeMap<&str, Vec<Item>> = BTreeMap::new();
    let mut flagged = 0;
    let mut ingress_ids: BTreeMap<String, String> = BTreeMap::new();
    for svc in &services {
        let ns = k8s::namespace(&svc.metadata);
        let name = k8s::name(&svc.metadata);
        let spec = svc.spec.clone().unwrap_or_default();
        let selector = spec.selector.clone().unwrap_or_default();
        let ns_pods: Vec<&Pod> = objects
            .pods
            .iter()
            .filter(|p| k8s::namespace(&p.metadata) == ns)
            .collect();
        let selected: Vec<&Pod> = if selector.is_empty() {
            Vec::new()
        } else {
            ns_pods
                .iter()
                .copied()
                .filter(|p| {
                    selector
                        .iter()
                        .all(|(k, v)| k8s::label(&p.metadata, k) == Some(v.as_str()))
                })
                .collect()
        };
        let unmatched = !selector.is_empty() && selected.is_empty();
        flagged += usize::from(unmatched);
        let svc_id = ids.make(&format!("svc {ns} {name}"));
        let ports: Vec<String> = spec
            .ports
            .iter()
            .flatten()
            .map(|p| format!("{}/{}", p.port, p.protocol.as_deref().unwrap_or("TCP")))
            .collect();
        let desc = if unmatched {
            Term::NoMatchingPods.text(lang).to_string()
        } else {
            ports.join(", ")
        };
        let items = by_ns.entry(ns).or_default();
        items.push(Item::Element(
            element(svc_id.clone(), Shape::Container, Role::Service, name, 1)
                .tech(format!(
                    "{} {}",
                    spec.type_.as_deref().unwrap_or("ClusterIP"),
                    spec.cluster_ip.as_deref().unwrap_or("")
                ))
                .desc(desc)
                .state(if unmatched {
                    State::Failed
                } else {
                    State::Normal
                })
                .target(Target::namespaced("Service", ns, name)),
        ));

        for ing in objects
            .ingresses
            .iter()
            .filter(|i| k8s::namespace(&i.metadata) == ns && routes_to(i, name))
        {
            let ing_name = k8s::name(&ing.metadata);
            let hint = format!("ingress {ns} {ing_name}");
            let ing_id = match ingress_ids.get(&hint) {
                Some(id) => id.clone(),
                None => {
                    let id = ids.make(&hint);
                    items.push(Item::Element(
                        element(id.clone(), Shape::Container, Role::Ingress, ing_name, 0)
                            .tech(Term::Ingress.text(lang))
                            .desc(hosts(ing))
                            .target(Target::namespaced("Ingress", ns, ing_name)),
                    ));
                    ingress_ids.insert(hint, id.clone());
                    id
                }
            };
            relations.push(relation(
                &mut ids,
                &ing_id,
                &svc_id,
                Some(Term::RoutesTo.text(lang).into()),
                Direction::Down,
            ));
        }

        // EndpointSlices of the Service, and the pods their endpoints point at.
        let mut via_slices: BTreeSet<String> = BTreeSet::new();
        let mut pod_targets: Vec<(String, Option<String>)> = Vec::new();
        for slice in objects.endpoint_slices.iter().filter(|s| {
            k8s::namespace(&s.metadata) == ns
                && k8s::label(&s.metadata, "kubernetes.io/service-name") == Some(name)
        }) {
            let slice_id = ids.make(&format!("slice {ns} {}", k8s::name(&slice.metadata)));
            let targets: Vec<String> = slice
                .endpoints
                .iter()
                .flatten()
                .filter_map(|e| e.target_ref.as_ref())
                .filter(|t| t.kind.as_deref() == Some("Pod"))
                .filter_map(|t| t.name.clone())
                .collect();
            items.push(Item::Element(
                element(
                    slice_id.clone(),
                    Shape::Container,
                    Role::EndpointSlice,
                    k8s::name(&slice.metadata),
                    2,
                )
                .tech(Term::EndpointSlice.text(lang))
                .desc(Term::Endpoints.count(slice.endpoints.as_ref().map_or(0, Vec::len), lang))
                .target(Target::namespaced(
                    "EndpointSlice",
                    ns,
                    k8s::name(&slice.metadata),
                )),
            ));
            relations.push(relation(
                &mut ids,
                &svc_id,
                &slice_id,
                None,
                Direction::Down,
            ));
            for t in targets {
                via_slices.insert(t.clone());
                pod_targets.push((t, Some(slice_id.clone())));
            }
        }
        for p in &selected {
            let n = k8s::name(&p.metadata).to_string();
            if !via_slices.contains(&n) {
                pod_targets.push((n, None));
            }
        }
        let mut pods: Vec<&Pod> = Vec::new();
        for (pod_name, _) in &pod_targets {
            if let Some(p) = ns_pods.iter().find(|p| k8s::name(&p.metadata) == pod_name)
                && !pods.iter().any(|q| std::ptr::eq(*q, *p))
            {
                pods.push(p);
            }
        }
        pods.sort_by_key(|p| k8s::name(&p.metadata));
        let pod_items = pod_boxes(&mut ids, &format!("svc {ns} {name}"), &pods, options, 3);
        let summarised = pods.len() > options.max_pods_per_box;
        for (i, item) in pod_items.iter().enumerate() {
            // Drawn one by one, pod boxes follow the order of `pods`; summarised, each
            // summary is reached from every slice (or the Service) that selects pods.
            let wanted = (!summarised).then(|| k8s::name(&pods[i].metadata));
            let sources: BTreeSet<String> = pod_targets
                .iter()
                .filter(|(n, _)| wanted.is_none_or(|w| w == n))
                .map(|(_, s)| s.clone().unwrap_or_else(|| svc_id.clone()))
                .collect();
            for src in sources {
                relations.push(relation(
                    &mut ids,
                    &src,
                    item.id(),
                    Some(Term::Selects.text(lang).into()),
                    Direction::Down,
                ));
            }
        }
        // The workloads owning these pods.
        let mut owners: BTreeSet<String> = BTreeSet::new();
        for p in &pods {
            if let Some(o) = k8s::controller(&p.metadata) {
                let kind = if o.kind == "ReplicaSet" {
                    "Deployment"
                } else {
                    o.kind.as_str()
                };
                owners.insert(format!("{kind}\u{0}{}", k8s::owner_group(p)));
            }
        }
        for owner in owners {
            let (kind, owner_name) = owner.split_once('\u{0}').unwrap_or(("", ""));
            let wid = ids.make(&format!("workload {ns} {kind} {owner_name}"));
            items.push(Item::Element(
                element(wid.clone(), Shape::Container, Role::Workload, owner_name, 4)
                    .tech(kind)
                    .target(Target::namespaced(workload_kind(kind), ns, owner_name)),
            ));
            for (i, item) in pod_items.iter().enumerate() {
                if summarised || k8s::owner_group(pods[i]) == owner_name {
                    relations.push(relation(
                        &mut ids,
                        &wid,
                        item.id(),
                        Some(Term::Owns.text(lang).into()),
                        Direction::Up,
                    ));
                }
            }
        }
        items.extend(pod_items);
    }

    let items = namespace_boundaries(&mut ids, by_ns, lang);
    let description = format!(
        "{}: {} Service, {} {}",
        Term::ServiceTitle.text(lang),
        services.len(),
        flagged,
        Term::NoMatchingPods.text(lang)
    );
    Ok(Diagram {
        kind: DiagramKind::Service,
        lang,
        title: Term::ServiceTitle.text(lang).to_string(),
        description,
        items,
        relations,
    })
}

fn routes_to(ing: &Ingress, service: &str) -> bool {
    let Some(spec) = ing.spec.as_ref() else {
        return false;
    };
    let default = spec
        .default_backend
        .as_ref()
        .and_then(|b| b.service.as_ref())
        .is_some_and(|s| s.name == service);
    default
        || spec
            .rules
            .iter()
            .flatten()
            .filter_map(|r| r.http.as_ref())
            .flat_map(|h| h.paths.iter())
            .any(|p| {
                p.backend
                    .service
                    .as_ref()
                    .is_some_and(|s| s.name == service)
            })
}

fn hosts(ing: &Ingress) -> String {
    let hosts: Vec<&str> = ing
        .spec
        .iter()
        .flat_map(|s| s.rules.iter().flatten())
        .filter_map(|r| r.host.as_deref())
        .collect();
    hosts.join(", ")
}

/// The kind of a pod's owner as a link target (`Deployment`, `Job`, …).
fn workload_kind(kind: &str) -> &'static str {
    match kind {
        "Deployment" => "Deployment",
        "StatefulSet" => "StatefulSet",
        "DaemonSet" => "DaemonSet",
        "Job" => "Job",
        "CronJob" => "CronJob",
        "ReplicaSet" => "ReplicaSet",
        _ => "Unknown",
    }
}
