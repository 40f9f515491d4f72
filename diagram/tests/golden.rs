//! Golden tests: the fixtures reproduce the seed document's three figures in
//! structure (elements, boundaries, relations, colours), and the diagrams
//! carry what the issue asks for on each kind.

mod common;

use common::puml::{embeds, parse};
use common::{fixture, fixture_text};
use diagram::model::{BoundaryKind, Item, Role, State};
use diagram::{Lang, Options, render};

#[test]
fn kubeadm_cluster_draws_seed_figure_1_worker_reports_to_red_master() {
    let d = diagram::topology(&fixture("kubeadm-cluster.yaml"), &Options::new(Lang::ZhCn)).unwrap();
    let ours = parse(&render::plantuml(&d));
    let seed = parse(&fixture_text("seed-figure-1.puml"));
    assert_eq!(seed.elements.len(), 2);
    assert!(
        embeds(&seed, &ours),
        "seed figure 1 not found in:\n{}",
        render::plantuml(&d)
    );
    // Every worker node reports to the master: two workers, two relations.
    assert_eq!(ours.relations.len(), 2);
    assert!(
        ours.relations
            .iter()
            .all(|(from, to)| from.starts_with("worker_") && to == "master_cp_1")
    );
}

#[test]
fn kubeadm_control_plane_shows_its_static_pods_and_workers_their_agents() {
    let d = diagram::topology(&fixture("kubeadm-cluster.yaml"), &Options::default()).unwrap();
    let cp = d.boundary("host_cp_1").expect("control-plane host");
    let labels = |items: &[Item]| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| {
                if let Item::Element(e) = i {
                    Some(e.label.clone())
                } else {
                    None
                }
            })
            .collect()
    };
    let cp_labels = labels(&cp.items);
    for c in [
        "k8s master",
        "etcd",
        "api server",
        "controller manager",
        "scheduler",
    ] {
        assert!(
            cp_labels.contains(&c.to_string()),
            "{c} missing on cp-1: {cp_labels:?}"
        );
    }
    assert!(
        !cp_labels.contains(&"k8s worker".to_string()),
        "a tainted control plane runs no workloads"
    );
    let w1 = labels(&d.boundary("host_worker_1").unwrap().items);
    for c in [
        "k8s worker",
        "kubelet",
        "kube-proxy",
        "web-6d4b8c9f7-abcde",
        "coredns-7db6d8ff4d-p4k2m",
    ] {
        assert!(
            w1.contains(&c.to_string()),
            "{c} missing on worker-1: {w1:?}"
        );
    }
    assert!(
        !w1.iter().any(|l| l.starts_with("kube-proxy-")),
        "kube-proxy is an agent, not a workload pod"
    );
}

#[test]
fn single_node_cluster_draws_seed_figure_2_host_holding_master_and_worker() {
    let d = diagram::topology(&fixture("single-node.yaml"), &Options::new(Lang::ZhCn)).unwrap();
    let ours = parse(&render::plantuml(&d));
    let seed = parse(&fixture_text("seed-figure-2.puml"));
    assert_eq!(seed.boundaries.len(), 1);
    assert!(
        embeds(&seed, &ours),
        "seed figure 2 not found in:\n{}",
        render::plantuml(&d)
    );
    assert!(
        ours.relations.is_empty(),
        "master and worker on one host need no arrow, as in the seed"
    );
    assert_eq!(d.boundaries()[0].kind, BoundaryKind::Host);
    assert_eq!(
        d.boundaries()[0].technology.as_deref(),
        Some("主机 · 192.168.49.2")
    );
}

#[test]
fn myapp_pod_draws_seed_figure_3_pod_holding_containers_disk_and_network() {
    let d = diagram::pod(&fixture("myapp-pod.yaml"), &Options::new(Lang::ZhCn)).unwrap();
    let source = render::plantuml(&d);
    let ours = parse(&source);
    let seed = parse(&fixture_text("seed-figure-3.puml"));
    assert_eq!((seed.elements.len(), seed.relations.len()), (4, 4));
    assert!(
        embeds(&seed, &ours),
        "seed figure 3 not found in:\n{source}"
    );
    assert!(
        source.contains("网络地址和端口")
            && source.contains("磁盘和目录")
            && source.contains("容器")
    );
}

#[test]
fn init_containers_come_first_in_order_and_run_before_the_app() {
    let d = diagram::pod(&fixture("myapp-pod.yaml"), &Options::default()).unwrap();
    let elements = d.elements();
    let order: Vec<(&str, Role)> = elements
        .iter()
        .filter(|e| matches!(e.role, Role::InitContainer | Role::Container))
        .map(|e| (e.label.as_str(), e.role))
        .collect();
    assert_eq!(
        order,
        vec![
            ("init-myservice", Role::InitContainer),
            ("init-mydb", Role::InitContainer),
            ("myapp-container", Role::Container)
        ]
    );
    let before: Vec<(&str, &str)> = d
        .relations
        .iter()
        .filter(|r| r.label.as_deref() == Some("runs before"))
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    assert_eq!(
        before,
        vec![
            ("init_init_myservice", "init_init_mydb"),
            ("init_init_mydb", "container_myapp_container")
        ]
    );
    // State as colour: the running init container is normal, the waiting ones pending.
    let state = |label: &str| elements.iter().find(|e| e.label == label).unwrap().state;
    assert_eq!(state("init-myservice"), State::Normal);
    assert_eq!(state("myapp-container"), State::Pending);
    // Layout: init containers left of the app container, on the same row.
    let l = diagram::layout::layout(&d);
    let x = |id: &str| l.get(id).unwrap().rect.x;
    assert!(
        x("init_init_myservice") < x("init_init_mydb")
            && x("init_init_mydb") < x("container_myapp_container")
    );
}

#[test]
fn pod_volumes_show_type_and_mounts_and_network_shows_the_ip() {
    let d = diagram::pod(&fixture("myapp-pod.yaml"), &Options::default()).unwrap();
    let vol = d
        .elements()
        .into_iter()
        .find(|e| e.role == Role::Volume)
        .unwrap();
    assert_eq!(vol.technology.as_deref(), Some("projected"));
    assert!(
        vol.description
            .as_deref()
            .unwrap()
            .contains("/var/run/secrets/kubernetes.io/serviceaccount")
    );
    let mounts = d.relations.iter().filter(|r| r.to == vol.id).count();
    assert_eq!(
        mounts, 3,
        "all three containers mount the service-account volume"
    );
    let net = d
        .elements()
        .into_iter()
        .find(|e| e.role == Role::Network)
        .unwrap();
    assert_eq!(net.technology.as_deref(), Some("IP 10.244.1.7"));
}

#[test]
fn service_map_links_ingress_service_slice_pods_and_workload_and_flags_orphans() {
    let d = diagram::service_map(&fixture("kubeadm-cluster.yaml"), &Options::default()).unwrap();
    let rel = |from: &str, to: &str| d.relations.iter().any(|r| r.from == from && r.to == to);
    assert!(rel("ingress_shop_shop", "svc_shop_web"));
    assert!(rel("svc_shop_web", "slice_shop_web_x7k2p"));
    assert!(rel("slice_shop_web_x7k2p", "pod_shop_web_6d4b8c9f7_abcde"));
    assert!(rel(
        "workload_shop_deployment_web",
        "pod_shop_web_6d4b8c9f7_abcde"
    ));
    let orphan = d
        .elements()
        .into_iter()
        .find(|e| e.label == "orphan")
        .unwrap();
    assert_eq!(orphan.state, State::Failed);
    assert_eq!(
        orphan.description.as_deref(),
        Some("selector matches no pod")
    );
}

#[test]
fn ownership_walks_deployment_revisions_to_pods() {
    let d = diagram::ownership(&fixture("kubeadm-cluster.yaml"), &Options::default()).unwrap();
    let rel = |from: &str, to: &str| d.relations.iter().any(|r| r.from == from && r.to == to);
    assert!(rel("deployment_shop_web", "replicaset_shop_web_5c9f7d8b6"));
    assert!(rel("deployment_shop_web", "replicaset_shop_web_6d4b8c9f7"));
    assert!(rel(
        "replicaset_shop_web_6d4b8c9f7",
        "pod_shop_web_6d4b8c9f7_bbcde"
    ));
    let old = d
        .elements()
        .into_iter()
        .find(|e| e.label == "web-5c9f7d8b6")
        .unwrap();
    assert_eq!(
        old.state,
        State::Done,
        "the scaled-down old revision is greyed"
    );
    assert!(
        old.description
            .as_deref()
            .unwrap()
            .starts_with("revision 1")
    );
}

#[test]
fn fixtures_lay_out_cleanly_and_identically_twice() {
    for (kind, file) in [
        ("topology", "kubeadm-cluster.yaml"),
        ("topology", "single-node.yaml"),
        ("pod", "myapp-pod.yaml"),
        ("service", "kubeadm-cluster.yaml"),
        ("ownership", "kubeadm-cluster.yaml"),
    ] {
        for lang in [Lang::En, Lang::ZhCn] {
            let objects = fixture(file);
            let d = diagram::build(kind.parse().unwrap(), &objects, &Options::new(lang)).unwrap();
            let l = diagram::layout::layout(&d);
            let problems = common::geometry::layout_problems(&d, &l);
            assert!(problems.is_empty(), "{kind} {file} {lang}: {problems:?}");
            assert!(
                l.edges.iter().all(|e| e.crossings == 0),
                "{kind} {file}: an edge crosses a box"
            );
            let again =
                diagram::build(kind.parse().unwrap(), &fixture(file), &Options::new(lang)).unwrap();
            assert_eq!(render::svg(&d), render::svg(&again));
            assert_eq!(render::plantuml(&d), render::plantuml(&again));
        }
    }
}

#[test]
fn managed_control_plane_is_one_red_box_the_workers_report_to() {
    let docs = (1..=3)
        .map(|i| {
            serde_json::json!({"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": format!("gke-pool-a-{i}"), "labels": {"cloud.google.com/gke-nodepool": "pool-a"}}})
        })
        .collect::<Vec<_>>();
    let objects = diagram::ClusterObjects::from_values(docs).unwrap();
    let d = diagram::topology(&objects, &Options::default()).unwrap();
    let managed: Vec<_> = d
        .elements()
        .into_iter()
        .filter(|e| e.role == Role::ManagedControlPlane)
        .collect();
    assert_eq!(managed.len(), 1);
    assert_eq!(managed[0].label, "managed control plane");
    assert_eq!(d.relations.len(), 3);
    assert!(
        d.relations
            .iter()
            .all(|r| r.to == managed[0].id && r.from.starts_with("worker_gke_pool_a_"))
    );
    assert!(render::plantuml(&d).contains(&format!(
        "System({}, \"managed control plane\"",
        managed[0].id
    )));
}

#[test]
fn namespace_option_limits_the_pods_drawn_on_nodes() {
    let options = Options {
        namespace: Some("shop".into()),
        ..Options::default()
    };
    let d = diagram::topology(&fixture("kubeadm-cluster.yaml"), &options).unwrap();
    let pods: Vec<String> = d
        .elements()
        .iter()
        .filter(|e| e.role == Role::Pod)
        .map(|e| e.label.clone())
        .collect();
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(pods.iter().all(|p| p.starts_with("web-")));
    // Control-plane components are still found in kube-system.
    assert!(d.elements().iter().any(|e| e.label == "etcd"));
}
