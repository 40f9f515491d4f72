//! Ownership: Deployment → ReplicaSets (one per revision) → Pods; StatefulSet,
//! DaemonSet and Job → Pods; CronJob → Jobs → Pods; per namespace.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::aggregate::pod_boxes;
use super::{
    Diagram, DiagramKind, Direction, Ids, Item, Relation, Role, Shape, State, Target, element, k8s,
    namespace_boundaries, relation,
};
use crate::lang::Term;
use crate::{ClusterObjects, Error, Options};

/// A workload at the top of an ownership tree.
struct Root<'a> {
    kind: &'static str,
    meta: &'a ObjectMeta,
    detail: String,
}

/// Builds the ownership diagram for the selected workloads.
pub fn ownership(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    let lang = options.lang;
    let mut roots: Vec<Root> = Vec::new();
    for d in &objects.deployments {
        let replicas = d.spec.replicas.unwrap_or(1);
        roots.push(Root {
            kind: "Deployment",
            meta: &d.metadata,
            detail: format!("replicas {replicas}"),
        });
    }
    for s in &objects.stateful_sets {
        let replicas = s.spec.replicas.unwrap_or(1);
        roots.push(Root {
            kind: "StatefulSet",
            meta: &s.metadata,
            detail: format!("replicas {replicas}"),
        });
    }
    for d in &objects.daemon_sets {
        let n = d.status.as_ref().map_or(0, |s| s.desired_number_scheduled);
        roots.push(Root {
            kind: "DaemonSet",
            meta: &d.metadata,
            detail: format!("desired {n}"),
        });
    }
    for c in &objects.cron_jobs {
        let schedule = c.spec.schedule.as_str();
        roots.push(Root {
            kind: "CronJob",
            meta: &c.metadata,
            detail: schedule.to_string(),
        });
    }
    for j in &objects.jobs {
        if k8s::controller(&j.metadata).is_none_or(|o| o.kind != "CronJob") {
            let completions = j.spec.as_ref().and_then(|s| s.completions).unwrap_or(1);
            roots.push(Root {
                kind: "Job",
                meta: &j.metadata,
                detail: format!("completions {completions}"),
            });
        }
    }
    roots.retain(|r| {
        options.in_namespace(k8s::namespace(r.meta))
            && options
                .name
                .as_deref()
                .is_none_or(|n| n == k8s::name(r.meta))
    });
    if roots.is_empty() {
        return Err(match &options.name {
            Some(name) => Error::NotFound {
                kind: "workload",
                name: name.clone(),
                namespace: options.namespace.clone(),
            },
            None => Error::Empty("workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob)"),
        });
    }
    roots.sort_by_key(|r| (k8s::namespace(r.meta), r.kind, k8s::name(r.meta)));

    let mut ids = Ids::default();
    let mut relations: Vec<Relation> = Vec::new();
    let mut by_ns: BTreeMap<&str, Vec<Item>> = BTreeMap::new();
    for root in &roots {
        let ns = k8s::namespace(root.meta);
        let name = k8s::name(root.meta);
        let items = by_ns.entry(ns).or_default();
        let root_id = ids.make(&format!("{} {ns} {name}", root.kind));
        items.push(Item::Element(
            element(root_id.clone(), Shape::Container, Role::Workload, name, 0)
                .tech(root.kind)
                .desc(&root.detail)
                .target(Target::namespaced(root.kind, ns, name)),
        ));
        // Middle layer: ReplicaSets of a Deployment, Jobs of a CronJob.
        let middles: Vec<(&ObjectMeta, String, State)> = match root.kind {
            "Deployment" => objects
                .replica_sets
                .iter()
                .filter(|rs| owned_by(&rs.metadata, root.meta))
                .map(|rs| {
                    let revision = rs
                        .metadata
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                        .cloned()
                        .unwrap_or_else(|| "?".into());
                    let replicas = rs.spec.replicas.unwrap_or(0);
                    let state = if replicas == 0 {
                        State::Done
                    } else {
                        State::Normal
                    };
                    (
                        &rs.metadata,
                        format!(
                            "{} {revision} · replicas {replicas}",
                            Term::Revision.text(lang)
                        ),
                        state,
                    )
                })
                .collect(),
            "CronJob" => objects
                .jobs
                .iter()
                .filter(|j| owned_by(&j.metadata, root.meta))
                .map(|j| (&j.metadata, "Job".to_string(), State::Normal))
                .collect(),
            _ => Vec::new(),
        };
        let mut parents: Vec<(String, &ObjectMeta)> = vec![(root_id.clone(), root.meta)];
        if !middles.is_empty() {
            parents.clear();
            let mut middles = middles;
            middles.sort_by_key(|(m, _, _)| k8s::name(m));
            for (meta, detail, state) in middles {
                let kind = if root.kind == "Deployment" {
                    "ReplicaSet"
                } else {
                    "Job"
                };
                let id = ids.make(&format!("{kind} {ns} {}", k8s::name(meta)));
                items.push(Item::Element(
                    element(
                        id.clone(),
                        Shape::Container,
                        Role::ReplicaSet,
                        k8s::name(meta),
                        1,
                    )
                    .tech(kind)
                    .desc(detail)
                    .state(state)
                    .target(Target::namespaced(kind, ns, k8s::name(meta))),
                ));
                relations.push(relation(
                    &mut ids,
                    &root_id,
                    &id,
                    Some(Term::Owns.text(lang).into()),
                    Direction::Down,
                ));
                parents.push((id, meta));
            }
        }
        for (parent_id, parent_meta) in parents {
            let mut pods: Vec<&Pod> = objects
                .pods
                .iter()
                .filter(|p| owned_by(&p.metadata, parent_meta))
                .collect();
            pods.sort_by_key(|p| k8s::name(&p.metadata));
            for item in pod_boxes(&mut ids, &parent_id, &pods, options, 2) {
                relations.push(relation(
                    &mut ids,
                    &parent_id,
                    item.id(),
                    Some(Term::Owns.text(lang).into()),
                    Direction::Down,
                ));
                items.push(item);
            }
        }
    }
    let items = namespace_boundaries(&mut ids, by_ns, lang);
    Ok(Diagram {
        kind: DiagramKind::Ownership,
        lang,
        title: Term::OwnershipTitle.text(lang).to_string(),
        description: format!(
            "{}: {} workloads",
            Term::OwnershipTitle.text(lang),
            roots.len()
        ),
        items,
        relations,
    })
}

/// True when `child` names `parent` among its owners (by uid when both have one, else kind-less by name).
fn owned_by(child: &ObjectMeta, parent: &ObjectMeta) -> bool {
    if child.namespace != parent.namespace
        && child.namespace.is_some()
        && parent.namespace.is_some()
    {
        return false;
    }
    child
        .owner_references
        .iter()
        .flatten()
        .any(|o| match (&parent.uid, o.uid.is_empty()) {
            (Some(uid), false) => &o.uid == uid,
            _ => Some(&o.name) == parent.name.as_ref(),
        })
}
