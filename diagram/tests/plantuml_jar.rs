//! Every PlantUML output the suite produces is rendered by the real PlantUML
//! jar (1.2022.6, Graphviz, Java 17) and must come out without an error image.
//! Fails (never skips) when the jar is missing: run scripts/install-plantuml.sh.

mod common;

use common::synthetic::{Shape, cluster};
use common::{fixture, hostile, render_with_plantuml};
use diagram::{DiagramKind, Lang, Options, render};

#[test]
fn every_generated_plantuml_renders_without_error() {
    let mut sources: Vec<(String, String)> = Vec::new();
    let kinds = [
        DiagramKind::Topology,
        DiagramKind::Pod,
        DiagramKind::Service,
        DiagramKind::Ownership,
    ];
    for lang in [Lang::En, Lang::ZhCn] {
        for (file, skip_pod) in [
            ("kubeadm-cluster.yaml", true),
            ("single-node.yaml", true),
            ("myapp-pod.yaml", false),
        ] {
            let objects = fixture(file);
            for kind in kinds {
                let mut options = Options::new(lang);
                if kind == DiagramKind::Pod && skip_pod {
                    options.name = Some(objects.pods[0].metadata.name.clone().unwrap());
                }
                if let Ok(d) = diagram::build(kind, &objects, &options) {
                    sources.push((
                        format!("{}-{}-{lang}", file.trim_end_matches(".yaml"), kind.name()),
                        render::plantuml(&d),
                    ));
                }
            }
        }
        // Hostile names in every diagram kind.
        let evil = hostile::cluster();
        for kind in kinds {
            let mut options = Options::new(lang);
            if kind == DiagramKind::Pod {
                options.name = evil
                    .pods
                    .iter()
                    .map(|p| p.metadata.name.clone().unwrap())
                    .nth(3);
            }
            let d = diagram::build(kind, &evil, &options).unwrap();
            sources.push((
                format!("hostile-{}-{lang}", kind.name()),
                render::plantuml(&d),
            ));
        }
    }
    // A large cluster, grouped, and with one group expanded.
    let big = cluster(&Shape {
        nodes: 400,
        pods: 6000,
        control_plane: 3,
        pools: 3,
        zones: 2,
        namespaces: 9,
        seed: 7,
    });
    let grouped = diagram::topology(&big, &Options::default()).unwrap();
    let first_group = grouped
        .boundaries()
        .iter()
        .find(|b| b.id.starts_with("group_"))
        .unwrap()
        .id
        .clone();
    let expanded = diagram::topology(
        &big,
        &Options {
            expand: vec![first_group],
            ..Options::default()
        },
    )
    .unwrap();
    sources.push(("big-grouped".into(), render::plantuml(&grouped)));
    sources.push(("big-expanded".into(), render::plantuml(&expanded)));

    assert!(sources.len() >= 24, "{} sources", sources.len());
    let rendered = render_with_plantuml(&sources);
    // The pictures carry the labels: the seed's Chinese words, the escaped hostile text.
    let svg = |name: &str| &rendered.iter().find(|(n, _)| n == name).unwrap().1;
    assert!(svg("myapp-pod-pod-zh-CN").contains("网络地址和端口"));
    assert!(svg("single-node-topology-zh-CN").contains("k8s master"));
    let evil = svg("hostile-topology-en");
    assert!(
        evil.contains("&lt;script&gt;"),
        "hostile text is drawn as text"
    );
    assert!(!evil.contains("<script"), "no live script element");
    assert!(
        !evil.contains("/root") && !evil.contains("/home"),
        "%getenv was not evaluated"
    );
}

#[test]
fn the_error_check_catches_a_broken_diagram() {
    let broken = vec![(
        "broken".to_string(),
        "@startuml\n!include <C4/C4_Container>\nSystem(a, \"x\" y) #red\nfoo -->\n@enduml\n"
            .to_string(),
    )];
    common::plantuml_jar(); // a missing jar fails here, not inside the check below
    let caught = std::panic::catch_unwind(|| render_with_plantuml(&broken));
    let payload = caught.expect_err("a syntax error must fail the check");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("PlantUML reported errors") && message.contains("broken"),
        "{message}"
    );
}
