//! Pod anatomy (seed figure 3): the pod as a boundary; on the first row its
//! init containers in order, then the app containers they run before; below
//! them the disks (volumes, with their type and mounts) and the network
//! address with the containers' ports.

use k8s_openapi::api::core::v1::{Container, Pod, Volume};

use super::{
    BoundaryKind, Diagram, DiagramKind, Direction, Ids, Item, Relation, Role, Shape, State,
    boundary, element, k8s, relation,
};
use crate::lang::Term;
use crate::{ClusterObjects, Error, Options};

/// Builds the pod diagram for the selected pod.
pub fn pod(objects: &ClusterObjects, options: &Options) -> Result<Diagram, Error> {
    let pod = select(objects, options)?;
    let lang = options.lang;
    let mut ids = Ids::default();
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    let name = k8s::name(&pod.metadata);
    let ns = k8s::namespace(&pod.metadata);
    let mut items = Vec::new();
    let mut relations: Vec<Relation> = Vec::new();

    let init = spec.init_containers.clone().unwrap_or_default();
    let mut containers: Vec<(String, &Container, bool)> = Vec::new();
    for (i, c) in init.iter().enumerate() {
        let id = ids.make(&format!("init {}", c.name));
        let state = container_state(&status.init_container_statuses, &c.name);
        items.push(Item::Element(
            element(
                id.clone(),
                Shape::Container,
                Role::InitContainer,
                &c.name,
                0,
            )
            .tech(c.image.as_deref().unwrap_or(""))
            .desc(format!(
                "{} {}/{}",
                Term::InitContainer.text(lang),
                i + 1,
                init.len()
            ))
            .state(state),
        ));
        containers.push((id, c, true));
    }
    for c in &spec.containers {
        let id = ids.make(&format!("container {}", c.name));
        let state = container_state(&status.container_statuses, &c.name);
        items.push(Item::Element(
            element(id.clone(), Shape::Container, Role::Container, &c.name, 0)
                .tech(c.image.as_deref().unwrap_or(""))
                .desc(format!("{}{}", Term::Container.text(lang), ports_suffix(c)))
                .state(state),
        ));
        containers.push((id, c, false));
    }

    // Init containers run one after the other, then the app containers start.
    let init_ids: Vec<&String> = containers.iter().filter(|c| c.2).map(|c| &c.0).collect();
    for pair in init_ids.windows(2) {
        relations.push(relation(
            &mut ids,
            pair[0],
            pair[1],
            Some(Term::Before.text(lang).into()),
            Direction::Right,
        ));
    }
    if let (Some(last), Some(first_app)) = (init_ids.last(), containers.iter().find(|c| !c.2)) {
        relations.push(relation(
            &mut ids,
            last,
            &first_app.0,
            Some(Term::Before.text(lang).into()),
            Direction::Right,
        ));
    }

    // Disks: one box per volume, with the containers mounting it.
    for v in spec.volumes.iter().flatten() {
        let id = ids.make(&format!("volume {}", v.name));
        let mounts: Vec<(&String, String)> = containers
            .iter()
            .flat_map(|(cid, c, _)| {
                c.volume_mounts
                    .iter()
                    .flatten()
                    .filter(|m| m.name == v.name)
                    .map(move |m| (cid, m.mount_path.clone()))
            })
            .collect();
        let mut paths: Vec<&str> = mounts.iter().map(|(_, p)| p.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        items.push(Item::Element(
            element(id.clone(), Shape::System, Role::Volume, &v.name, 1)
                .tech(volume_type(v))
                .desc(format!(
                    "{}: {}",
                    Term::DiskAndDirectory.text(lang),
                    paths.join(", ")
                )),
        ));
        for (cid, path) in mounts {
            relations.push(relation(
                &mut ids,
                cid,
                &id,
                Some(format!("{} {path}", Term::Mounts.text(lang))),
                Direction::Down,
            ));
        }
    }

    // Network: the pod's address, shared by every container.
    let net = ids.make("network");
    let ip = status.pod_ip.clone().unwrap_or_else(|| "-".into());
    let all_ports: Vec<String> = spec.containers.iter().flat_map(port_list).collect();
    items.push(Item::Element(
        element(
            net.clone(),
            Shape::System,
            Role::Network,
            Term::NetworkAddress.text(lang),
            1,
        )
        .tech(format!("IP {ip}"))
        .desc(all_ports.join(", ")),
    ));
    // Every container, init containers too, shares the pod's network namespace.
    for (cid, c, _) in &containers {
        let ports = port_list(c);
        let label = (!ports.is_empty())
            .then(|| format!("{} {}", Term::Listens.text(lang), ports.join(", ")));
        relations.push(relation(&mut ids, cid, &net, label, Direction::Down));
    }

    let mut pod_box = boundary(
        ids.make(&format!("pod {ns} {name}")),
        BoundaryKind::Pod,
        name,
        0,
        items,
    );
    let node = spec.node_name.as_deref().unwrap_or("-");
    let phase = status.phase.as_deref().unwrap_or("Pending");
    pod_box.technology = Some(crate::text::label(&format!(
        "{} · {ns} · {node} · {phase}",
        Term::Pod.text(lang)
    )));

    let description = format!(
        "{} {ns}/{name}: {} {}, {} {}, {}",
        Term::PodTitle.text(lang),
        init.len(),
        Term::InitContainer.text(lang),
        spec.containers.len(),
        Term::Container.text(lang),
        Term::NetworkAddress.text(lang),
    );
    Ok(Diagram {
        kind: DiagramKind::Pod,
        lang,
        title: crate::text::label(&format!("{}: {name}", Term::PodTitle.text(lang))),
        description: crate::text::clean(&description, 400),
        items: vec![Item::Boundary(pod_box)],
        relations,
    })
}

/// The pod named by the options, or the only pod of the input.
fn select<'a>(objects: &'a ClusterObjects, options: &Options) -> Result<&'a Pod, Error> {
    let candidates: Vec<&Pod> = objects
        .pods
        .iter()
        .filter(|p| options.in_namespace(k8s::namespace(&p.metadata)))
        .collect();
    match &options.name {
        Some(name) => candidates
            .into_iter()
            .find(|p| k8s::name(&p.metadata) == name)
            .ok_or_else(|| Error::NotFound {
                kind: "Pod",
                name: name.clone(),
                namespace: options.namespace.clone(),
            }),
        None => match candidates.as_slice() {
            [] => Err(Error::Empty("Pod objects")),
            [only] => Ok(only),
            many => {
                let names: Vec<&str> = many
                    .iter()
                    .take(5)
                    .map(|p| k8s::name(&p.metadata))
                    .collect();
                Err(Error::Ambiguous(format!(
                    "{} pods in the input; choose one with --name (e.g. {})",
                    many.len(),
                    crate::text::label(&names.join(", "))
                )))
            }
        },
    }
}

fn container_state(
    statuses: &Option<Vec<k8s_openapi::api::core::v1::ContainerStatus>>,
    name: &str,
) -> State {
    let Some(s) = statuses.iter().flatten().find(|s| s.name == name) else {
        return State::Normal;
    };
    match s.state.as_ref() {
        Some(st) if st.running.is_some() => State::Normal,
        Some(st) if st.terminated.as_ref().is_some_and(|t| t.exit_code == 0) => State::Done,
        Some(st) if st.terminated.is_some() => State::Failed,
        Some(st) => match st.waiting.as_ref().and_then(|w| w.reason.as_deref()) {
            Some(r) if r.contains("BackOff") || r.contains("Err") => State::Failed,
            _ => State::Pending,
        },
        None => State::Normal,
    }
}

fn port_list(c: &Container) -> Vec<String> {
    c.ports
        .iter()
        .flatten()
        .map(|p| {
            format!(
                "{}/{}",
                p.container_port,
                p.protocol.as_deref().unwrap_or("TCP")
            )
        })
        .collect()
}

fn ports_suffix(c: &Container) -> String {
    let ports = port_list(c);
    if ports.is_empty() {
        String::new()
    } else {
        format!(" · {}", ports.join(", "))
    }
}

/// The volume's source type, as written in the pod spec.
fn volume_type(v: &Volume) -> &'static str {
    match v {
        _ if v.empty_dir.is_some() => "emptyDir",
        _ if v.config_map.is_some() => "configMap",
        _ if v.secret.is_some() => "secret",
        _ if v.persistent_volume_claim.is_some() => "persistentVolumeClaim",
        _ if v.host_path.is_some() => "hostPath",
        _ if v.projected.is_some() => "projected",
        _ if v.downward_api.is_some() => "downwardAPI",
        _ if v.nfs.is_some() => "nfs",
        _ if v.csi.is_some() => "csi",
        _ if v.ephemeral.is_some() => "ephemeral",
        _ => "volume",
    }
}
